"""A commenter row for every address that already commented (new posts create theirs), so the
commenters' listing covers the archive. Batched: the archive holds millions of comments."""

from django.db import migrations
from django.db.models.functions import Lower

BATCH = 5000


def create_commenters(apps, schema_editor):
    ReaderComment = apps.get_model("comments", "ReaderComment")
    Commenter = apps.get_model("comments", "Commenter")
    emails = (
        ReaderComment.objects.exclude(user_email="")
        .annotate(key=Lower("user_email"))
        .order_by("key")
        .values_list("key", flat=True)
        .distinct()
    )
    batch = []
    for email in emails.iterator(chunk_size=BATCH):
        batch.append(Commenter(email=email.strip()))
        if len(batch) >= BATCH:
            Commenter.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Commenter.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("comments", "0055_commenter_trust")]

    operations = [migrations.RunPython(create_commenters, migrations.RunPython.noop)]
