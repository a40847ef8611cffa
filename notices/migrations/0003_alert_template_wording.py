"""The four evacuation alert templates, in the wording of the national guideline
(避難情報に関するガイドライン), for the city to edit in admin."""

from django.db import migrations

TEMPLATES = {
    "3": {
        "ja": "【警戒レベル3 高齢者等避難】{areas}に高齢者等避難を発令しました。"
        "高齢の方、障がいのある方、乳幼児のいる方など避難に時間のかかる方とその支援者は、"
        "危険な場所から避難してください。",
        "en": "[Alert level 3: Elderly and others evacuate] Issued for {areas}. Older people, "
        "people with disabilities, families with infants and anyone who needs time to move, "
        "and those helping them, please leave dangerous places now.",
    },
    "4": {
        "ja": "【警戒レベル4 避難指示】{areas}に避難指示を発令しました。"
        "危険な場所にいる方は全員、ただちに避難してください。",
        "en": "[Alert level 4: Evacuation order] Issued for {areas}. Everyone in a dangerous "
        "place, please evacuate now.",
    },
    "5": {
        "ja": "【警戒レベル5 緊急安全確保】{areas}に緊急安全確保を発令しました。"
        "すでに災害が発生しているおそれがあります。命を守るため、ただちに安全な場所へ。"
        "避難所への移動が危険なときは、建物の高い階など少しでも安全な場所に移ってください。",
        "en": "[Alert level 5: Emergency safety measures] Issued for {areas}. A disaster may "
        "already be happening. Move to safety now to protect your life; if going to a "
        "shelter is dangerous, move to a higher floor or the safest place you can reach.",
    },
    "lifted": {
        "ja": "【解除】{areas}の避難情報を解除しました。"
        "帰宅するときは、周りの安全を確かめてください。避難所を出るときは受付でお知らせください。",
        "en": "[Lifted] The evacuation alert for {areas} has been lifted. Check that it is safe "
        "around you before going home, and tell the reception desk when you leave a shelter.",
    },
}


def add(apps, schema_editor):
    AlertTemplate = apps.get_model("notices", "AlertTemplate")
    for level, texts in TEMPLATES.items():
        AlertTemplate.objects.get_or_create(level=level, defaults={"texts": texts})


def remove(apps, schema_editor):
    apps.get_model("notices", "AlertTemplate").objects.filter(level__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0002_alert_templates")]
    operations = [migrations.RunPython(add, remove)]
