#pragma once

#include <QObject>
#include <QPalette>

namespace pygmi::ui {

// Light and dark appearance on the Fusion style. "System" follows the desktop: Qt 6.4 has no
// colour-scheme API, so it is derived from GTK/KDE hints and the platform palette, and
// refined once, off the start-up path, by asking gsettings for the GNOME colour scheme.
class Theme : public QObject
{
    Q_OBJECT

public:
    enum class Mode { System, Light, Dark };
    Q_ENUM(Mode)

    explicit Theme(QObject *parent = nullptr);

    // Installs Fusion and the palette for the saved mode. Cheap: no process, no network.
    void apply();
    Mode mode() const { return m_mode; }
    void setMode(Mode mode);
    // What is on screen now (System resolved).
    bool isDark() const { return m_dark; }

    // Asks the desktop (asynchronously) whether it prefers dark; only matters for System.
    void probeSystemScheme();

    static QPalette lightPalette();
    static QPalette darkPalette();
    static QString modeKey(Mode mode);
    static Mode modeFromKey(const QString &key);

Q_SIGNALS:
    void modeChanged(pygmi::ui::Theme::Mode mode);
    void changed(bool dark);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool systemPrefersDark() const;
    void update();

    Mode m_mode = Mode::System;
    bool m_dark = false;
    bool m_applying = false;
    int m_desktopHint = -1; // -1 unknown, 0 light, 1 dark (from gsettings)
    QPalette m_platformPalette;
};

} // namespace pygmi::ui
