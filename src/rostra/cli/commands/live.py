"""``rostra live SPEECH --source SOURCE``, ``rostra live --list``, ``rostra live --stop SPEECH``.

One live job per process: run one ``rostra live`` per room (systemd units, a process manager
or a terminal each). Killed, the same command resumes where the recording left off.
"""

from __future__ import annotations

import sys

from rostra.cli.database import ensure_database
from rostra.cli.output import console, error_console, print_json
from rostra.core.errors import UserError


def register(subparsers, common):
    parser = subparsers.add_parser(
        "live", parents=[common], help="live captions while a speech is streamed",
        description="Caption a live stream: SOURCE is a stream URL (HLS, HTTP, Icecast, SRT, "
                    "UDP), a recording played at real-time pace, or - for raw PCM (s16le, "
                    "16 kHz, mono) on standard input.")
    parser.add_argument("speech", nargs="?", metavar="SPEECH", help="the speech's slug")
    parser.add_argument("--source", metavar="SOURCE", help="what to caption (see above)")
    parser.add_argument("--player-url", default=None, metavar="URL",
                        help="the organizer's player stream shown beside the captions "
                             "(default: ROSTRA_LIVE_PLAYER_URL)")
    actions = parser.add_mutually_exclusive_group()
    actions.add_argument("--list", action="store_true", help="list live jobs")
    actions.add_argument("--stop", metavar="SPEECH", help="end the live job of this speech")
    parser.add_argument("--json", action="store_true", help="--list as JSON")
    parser.set_defaults(handler=run_live_command)


def run_live_command(args) -> int:
    ensure_database()
    if args.list:
        return _list(args.json)
    if args.stop:
        return _stop(args.stop)
    if not args.speech or not args.source:
        raise UserError("give the speech and its source: rostra live SPEECH --source SOURCE "
                        "(or --list, or --stop SPEECH)")
    from django.conf import settings

    from rostra.archive.domain.media import speech_by_slug
    from rostra.live.runner import LiveRunOptions, run_live

    speech = speech_by_slug(args.speech)
    player_url = args.player_url
    if player_url is None:
        player_url = settings.ROSTRA_LIVE_PLAYER_URL.replace("{slug}", speech.slug)
    options = LiveRunOptions(
        source=args.source, player_url=player_url,
        reconnect_seconds=settings.ROSTRA_LIVE_RECONNECT_SECONDS,
        max_lag_seconds=settings.ROSTRA_LIVE_MAX_LAG_SECONDS,
        stdin=sys.stdin.buffer if args.source == "-" else None)
    error_console.print(f"live: {speech.slug} from {args.source}; captions at "
                        f"{settings.SITE_URL}/{speech.original_language or 'en'}/live/"
                        f"{speech.slug}/", markup=False)
    job = run_live(speech, options,
                   report=lambda line: error_console.print(f"live: {line}", markup=False))
    console.print(f"{speech.slug}: {job.state}; {job.recorded_ms / 1000:.1f} s recorded",
                  markup=False)
    return 0


def _list(as_json: bool) -> int:
    from rostra.live.domain import job_alive, live_jobs

    rows = [{"speech": job.speech.slug, "state": job.state, "alive": job_alive(job),
             "source": job.source, "host": job.host, "pid": job.pid,
             "recorded_ms": job.recorded_ms, "recognized_ms": job.recognized_ms,
             "behind": job.behind, "restarts": job.restarts,
             "started_at": job.started_at.isoformat(), "message": job.message}
            for job in live_jobs()]
    if as_json:
        print_json(rows)
        return 0
    if not rows:
        console.print("no live jobs", markup=False)
    for row in rows:
        state = row["state"] if row["alive"] or row["state"] in ("ended", "failed") \
            else f"{row['state']} (process gone: run the same command again to resume)"
        console.print(f"{row['speech']}\t{state}\t{row['recorded_ms'] / 1000:.1f} s\t"
                      f"{row['source']}", markup=False)
    return 0


def _stop(slug: str) -> int:
    from rostra.archive.domain.media import speech_by_slug
    from rostra.live.domain import request_stop

    job = request_stop(speech_by_slug(slug))
    if job.state == "ended":
        console.print(f"{slug}: ended; {job.message}", markup=False)
    else:
        console.print(f"{slug}: stop requested; process {job.pid} archives the stream",
                      markup=False)
    return 0
