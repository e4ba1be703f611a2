#include "create/StylePresets.h"

#include <QCoreApplication>

namespace pygmi::ui {

QString StylePreset::wrap(const QString &prompt) const
{
    if (id.isEmpty() || prompt.trimmed().isEmpty())
        return prompt;
    return before + prompt.trimmed() + after;
}

QString StylePreset::unwrap(const QString &finalText) const
{
    if (id.isEmpty())
        return finalText;
    if (finalText.startsWith(before) && finalText.endsWith(after) && finalText.size() > before.size() + after.size())
        return finalText.mid(before.size(), finalText.size() - before.size() - after.size());
    return {};
}

QList<StylePreset> StylePreset::all()
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("pygmi::ui::StylePreset", text); };
    // The wrapping words are sent to the generator: they stay English like the prompts it knows.
    return {
        { QString(), tr("No style"), QString(), QString() },
        { QStringLiteral("photo"), tr("Photograph"), QStringLiteral("a photograph of "),
          QStringLiteral(", natural light, sharp focus") },
        { QStringLiteral("watercolor"), tr("Watercolour"), QStringLiteral("a watercolour painting of "),
          QStringLiteral(", soft washes, paper texture") },
        { QStringLiteral("ink"), tr("Ink drawing"), QStringLiteral("an ink drawing of "),
          QStringLiteral(", fine lines, cross-hatching") },
        { QStringLiteral("pixel"), tr("Pixel art"), QStringLiteral("pixel art of "),
          QStringLiteral(", limited palette, 16-bit") },
        { QStringLiteral("cinematic"), tr("Cinematic"), QStringLiteral("a cinematic still of "),
          QStringLiteral(", wide angle, dramatic lighting") },
    };
}

StylePreset StylePreset::find(const QString &id)
{
    for (const StylePreset &preset : all())
        if (preset.id == id)
            return preset;
    return all().first();
}

} // namespace pygmi::ui
