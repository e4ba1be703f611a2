#pragma once

#include <QList>
#include <QString>

namespace pygmi::ui {

// Style presets wrap the prompt in words of a style. The wrapped text is what is sent and what
// the user sees; `unwrap` recovers the user's own words when a result is remixed.
struct StylePreset
{
    QString id;
    QString name; // translated
    QString before;
    QString after;

    QString wrap(const QString &prompt) const;
    // The user's words if `finalText` is this preset's wrapping of them, else empty.
    QString unwrap(const QString &finalText) const;

    static QList<StylePreset> all();
    static StylePreset find(const QString &id);
};

} // namespace pygmi::ui
