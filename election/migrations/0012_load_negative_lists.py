"""Load the shipped negative lists (election/negative_lists/*.json): the classic “十类不宜” and
the newer six 不能 and six 不宜."""

from django.db import migrations


def load(apps, schema_editor):
    from election.negative_lists import shipped_files
    from election.services.negative_lists import negative_list_load_file

    for path in shipped_files():
        negative_list_load_file(path, apps=apps)


def unload(apps, schema_editor):
    from election.negative_lists import shipped_files
    from election.services.negative_lists import negative_list_file_keys

    NegativeList = apps.get_model("election", "NegativeList")
    for code, version in negative_list_file_keys(shipped_files()):
        negative_list = NegativeList.objects.filter(code=code, version=version).first()
        if negative_list is None or negative_list.campaigns.exists():
            continue  # a campaign vets against it: keep it
        negative_list.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("election", "0011_negative_lists"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
