"""The evacuation alert templates in やさしい日本語 (easy Japanese), added where the city
has not written its own."""

from django.db import migrations

EASY = {
    "3": "【けいかいレベル3】{areas}の 人へ。お年寄り、体が 不自由な 人、小さい 子どもが "
    "いる 人は、いまから にげて ください。あぶない 場所から はなれて ください。",
    "4": "【けいかいレベル4】{areas}の 人へ。あぶない 場所に いる 人は、みんな "
    "すぐに にげて ください。",
    "5": "【けいかいレベル5】{areas}の 人へ。もう 災害が おきて いるかも しれません。"
    "すぐに 命を まもって ください。外が あぶない ときは、たてものの 高い 階へ "
    "いって ください。",
    "lifted": "【おわり】{areas}の ひなんの しらせは おわりました。家に かえる ときは、"
    "まわりが あんぜんか たしかめて ください。ひなんじょを 出る ときは、"
    "うけつけに いって ください。",
}


def add(apps, schema_editor):
    AlertTemplate = apps.get_model("notices", "AlertTemplate")
    for template in AlertTemplate.objects.filter(level__in=EASY):
        if not template.texts.get("ja-easy"):
            template.texts = {**template.texts, "ja-easy": EASY[template.level]}
            template.save(update_fields=["texts"])


def remove(apps, schema_editor):
    AlertTemplate = apps.get_model("notices", "AlertTemplate")
    for template in AlertTemplate.objects.filter(level__in=EASY):
        if template.texts.get("ja-easy") == EASY[template.level]:
            template.texts = {k: v for k, v in template.texts.items() if k != "ja-easy"}
            template.save(update_fields=["texts"])


class Migration(migrations.Migration):
    dependencies = [("notices", "0004_noticeresend")]
    operations = [migrations.RunPython(add, remove)]
