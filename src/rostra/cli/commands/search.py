"""``rostra search QUERY`` and ``rostra search --reindex``.

The CLI is the operator's tool: it searches every speech, published or not (the website and
the API search published speeches only). Both call rostra.search.service.search_archive.
"""

from __future__ import annotations

from rostra.core.errors import UserError


def register(subparsers, common):
    parser = subparsers.add_parser(
        "search", parents=[common], help="search inside every speech, in every language",
        description="Search transcripts, translations and metadata of every speech "
                    "(published or not). Prints the best hits first.")
    parser.add_argument("query", nargs="?", default=None, help="what to look for")
    parser.add_argument("--lang", metavar="L", default=None,
                        help="only text in this language (fa, ar, en, ...)")
    parser.add_argument("--limit", metavar="N", type=int, default=10,
                        help="at most N hits (default 10)")
    parser.add_argument("--mode", choices=("hybrid", "keyword", "semantic"), default="hybrid",
                        help="hybrid (default): words and meaning; keyword; semantic")
    parser.add_argument("--json", action="store_true", help="print a JSON array of hits")
    parser.add_argument("--reindex", action="store_true",
                        help="rebuild the whole search index from the archive (with --check: "
                             "only the speeches the check finds missing or behind)")
    parser.add_argument("--check", action="store_true",
                        help="compare the index with the archive; exit 1 when speeches are "
                             "missing or behind")
    parser.set_defaults(handler=handle)


def hits_as_records(results, limit: int) -> list[dict]:
    """The stable --json shape: one record per matching place, best speech first."""
    records = []
    for hit in results.hits:
        for match in hit.matches or [None]:
            records.append({
                "speech": hit.slug,
                "title": hit.title,
                "language": match.language if match else hit.language,
                "start": match.start if match else None,
                "end": match.end if match else None,
                "kind": match.kind if match else "metadata",
                "field": match.field if match else "",
                "snippet": match.snippet if match else "",
                "score": match.score if match else hit.score,
                "speech_score": hit.score,
                "matched_by": list(match.matched_by) if match else [],
            })
    return records[:limit]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "     "
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return (f"{hours}:" if hours else "") + f"{rest // 60:02d}:{rest % 60:02d}"


def handle(args) -> int:
    from rostra.cli.database import ensure_database
    from rostra.cli.output import console, error_console, isolate, print_json, progress_bar
    from rostra.search.indexing import reindex_all
    from rostra.search.notices import describe
    from rostra.search.service import search_archive

    if args.check:
        if args.query:
            raise UserError("give either a QUERY or --check, not both")
        ensure_database()
        return check_and_repair(repair=args.reindex, as_json=args.json)
    if args.reindex:
        if args.query:
            raise UserError("give either a QUERY or --reindex, not both")
        ensure_database()
        with progress_bar() as progress:
            task = progress.add_task("indexing speeches", total=None)
            stats = reindex_all(lambda done, total: progress.update(task, completed=done,
                                                                    total=total))
        error_console.print(f"indexed {stats['documents']} texts and {stats['vectors']} "
                            f"vectors ({stats['backend']})")
        return 0
    if args.query is None or not args.query.strip():
        raise UserError("what should I search for? give a QUERY, e.g. rostra search water")
    if args.limit < 1:
        raise UserError(f"--limit {args.limit}: give a number of at least 1")
    ensure_database()
    results = search_archive(args.query, language=args.lang, per_page=min(args.limit, 100),
                             mode=args.mode, include_unpublished=True)
    records = hits_as_records(results, args.limit)
    if args.json:
        print_json(records)
        return 0
    for code in results.notices:
        error_console.print(f"note: {describe(code)}")
    if not records:
        console.print("no speech matches")
        return 0
    for record in records:
        console.print(f"{record['score']:.4f}  {_clock(record['start'])}  [{record['language']}] "
                      f"{isolate(record['speech'])}: {isolate(record['title'])}", markup=False)
        if record["snippet"]:
            console.print(f"        {isolate(record['snippet'])}", markup=False)
    return 0


def check_and_repair(*, repair: bool, as_json: bool) -> int:
    """``--check`` (and ``--check --reindex``): report, and repair only what is wrong."""
    from rostra.cli.output import console, print_json
    from rostra.search.consistency import check_index, repair_index

    check = check_index()
    repaired = repair_index(check) if repair and not check.consistent else 0
    after = check_index() if repaired else check
    if as_json:
        print_json({**check.as_dict(), "repaired": repaired, "consistent_now": after.consistent})
    elif check.consistent:
        console.print(f"search index complete: {check.speeches} speeches")
    else:
        console.print(f"search index: {len(check.missing)} of {check.speeches} speeches not "
                      f"indexed, {len(check.stale)} behind their transcripts, "
                      f"{len(check.orphans)} left over from deleted speeches")
        console.print(f"repaired {repaired}" if repaired else
                      "run rostra search --check --reindex to index only those")
    return 0 if after.consistent else 1
