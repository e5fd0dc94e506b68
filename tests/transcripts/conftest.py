import pytest

from rostra.archive.models import Event, Speech


@pytest.fixture
def speech():
    """An English speech with no transcripts yet."""
    event = Event.objects.create(slug="okd", name={"en": "Open Knowledge Days"})
    return Speech.objects.create(event=event, slug="water-in-cities", original_language="en",
                                 title={"en": "Water in cities"})
