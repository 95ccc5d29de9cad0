"""Greets whoever the event names, and says which bucket it was given."""

import os


def handler(event, context):
    return {"greeting": f"hello {event.get('name', 'world')}", "bucket": os.environ["NOTES_BUCKET"]}
