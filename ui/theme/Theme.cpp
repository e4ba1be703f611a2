#include "theme/Theme.h"

#include <QApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

namespace pygmi::ui {

namespace {

const auto kSettingsKey = QStringLiteral("appearance/theme");

// Reads `key=value` from a small ini-like file without QSettings (GTK files use plain keys).
QString iniValue(const QString &path, const QString &key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        const int eq = line.indexOf(QLatin1Char('='));
        if (eq > 0 && line.left(eq).trimmed() == key)
            return line.mid(eq + 1).trimmed();
    }
    return {};
}

bool isTruthy(const QString &value)
{
    return value == QLatin1String("1") || value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

} // namespace

Theme::Theme(QObject *parent)
    : QObject(parent)
{
    m_mode = modeFromKey(QSettings().value(kSettingsKey).toString());
}

QString Theme::modeKey(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

Theme::Mode Theme::modeFromKey(const QString &key)
{
    if (key == QLatin1String("light"))
        return Mode::Light;
    if (key == QLatin1String("dark"))
        return Mode::Dark;
    return Mode::System;
}

void Theme::apply()
{
    // The palette the platform gave us, before we replace it: one of the "system" hints.
    m_platformPalette = QGuiApplication::palette();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    qApp->installEventFilter(this);
    update();
}

void Theme::setMode(Mode mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    QSettings().setValue(kSettingsKey, modeKey(mode));
    update();
    Q_EMIT modeChanged(mode);
}

bool Theme::systemPrefersDark() const
{
    if (m_desktopHint >= 0)
        return m_desktopHint == 1;
    const QString gtkTheme = qEnvironmentVariable("GTK_THEME");
    if (!gtkTheme.isEmpty())
        return gtkTheme.endsWith(QLatin1String(":dark"), Qt::CaseInsensitive)
            || gtkTheme.contains(QLatin1String("-dark"), Qt::CaseInsensitive);
    const QString config = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    for (const auto *gtk : { "gtk-4.0", "gtk-3.0" }) {
        const QString file = config + QLatin1Char('/') + QLatin1String(gtk) + QLatin1String("/settings.ini");
        if (isTruthy(iniValue(file, QStringLiteral("gtk-application-prefer-dark-theme"))))
            return true;
        if (iniValue(file, QStringLiteral("gtk-theme-name")).contains(QLatin1String("dark"), Qt::CaseInsensitive))
            return true;
    }
    if (iniValue(config + QLatin1String("/kdeglobals"), QStringLiteral("ColorScheme"))
            .contains(QLatin1String("dark"), Qt::CaseInsensitive))
        return true;
    // A platform theme plugin (GTK, KDE) hands over the desktop's own palette.
    return m_platformPalette.color(QPalette::Window).lightness() < 128;
}

void Theme::probeSystemScheme()
{
    if (!QStandardPaths::findExecutable(QStringLiteral("gsettings")).isEmpty()) {
        auto *process = new QProcess(this);
        connect(process, &QProcess::finished, this, [this, process](int exitCode) {
            const QString out = QString::fromUtf8(process->readAllStandardOutput()).trimmed();
            process->deleteLater();
            if (exitCode != 0 || out.isEmpty())
                return;
            if (out.contains(QLatin1String("prefer-dark")))
                m_desktopHint = 1;
            else if (out.contains(QLatin1String("prefer-light")))
                m_desktopHint = 0;
            else
                return; // "default": keep the other hints
            update();
        });
        connect(process, &QProcess::errorOccurred, process, &QObject::deleteLater);
        process->start(QStringLiteral("gsettings"),
                       { QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"),
                         QStringLiteral("color-scheme") });
    }
}

void Theme::update()
{
    const bool dark = m_mode == Mode::Dark || (m_mode == Mode::System && systemPrefersDark());
    m_applying = true;
    QApplication::setPalette(dark ? darkPalette() : lightPalette());
    // Style sheets resolve palette(...) when a widget is polished: polish again those that use it.
    const auto widgets = QApplication::allWidgets();
    for (QWidget *widget : widgets) {
        const QString sheet = widget->styleSheet();
        if (sheet.isEmpty())
            continue;
        widget->setStyleSheet(QString());
        widget->setStyleSheet(sheet);
    }
    m_applying = false;
    if (dark != m_dark) {
        m_dark = dark;
        Q_EMIT changed(dark);
    }
}

bool Theme::eventFilter(QObject *watched, QEvent *event)
{
    // The desktop changed its theme while we run: follow it when in System mode.
    if (watched == qApp && event->type() == QEvent::ThemeChange && !m_applying && m_mode == Mode::System)
        update();
    return QObject::eventFilter(watched, event);
}

QPalette Theme::lightPalette()
{
    QPalette p(QColor(0xf6, 0xf6, 0xf8));
    p.setColor(QPalette::Window, QColor(0xf6, 0xf6, 0xf8));
    p.setColor(QPalette::WindowText, QColor(0x1d, 0x1d, 0x22));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xee, 0xee, 0xf2));
    p.setColor(QPalette::Text, QColor(0x1d, 0x1d, 0x22));
    p.setColor(QPalette::Button, QColor(0xfb, 0xfb, 0xfc));
    p.setColor(QPalette::ButtonText, QColor(0x1d, 0x1d, 0x22));
    p.setColor(QPalette::Highlight, QColor(0x5b, 0x4b, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x4a, 0x3a, 0xc4));
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x80, 0x8a));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf0));
    p.setColor(QPalette::ToolTipText, QColor(0x1d, 0x1d, 0x22));
    p.setColor(QPalette::Mid, QColor(0xc8, 0xc8, 0xd0));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0x9a, 0xa2));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0x9a, 0xa2));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0x9a, 0xa2));
    return p;
}

QPalette Theme::darkPalette()
{
    QPalette p(QColor(0x2a, 0x2a, 0x30));
    p.setColor(QPalette::Window, QColor(0x1f, 0x1f, 0x24));
    p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xee));
    p.setColor(QPalette::Base, QColor(0x2a, 0x2a, 0x31));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x2c));
    p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xee));
    p.setColor(QPalette::Button, QColor(0x33, 0x33, 0x3b));
    p.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xee));
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Highlight, QColor(0x7c, 0x6c, 0xf2));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0xa9, 0x9c, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xc0, 0xb0, 0xff));
    p.setColor(QPalette::PlaceholderText, QColor(0x8c, 0x8c, 0x96));
    p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x33, 0x3b));
    p.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xee));
    p.setColor(QPalette::Light, QColor(0x44, 0x44, 0x4c));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x42));
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4a, 0x54));
    p.setColor(QPalette::Dark, QColor(0x15, 0x15, 0x19));
    p.setColor(QPalette::Shadow, QColor(0x0a, 0x0a, 0x0c));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x70, 0x78));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x70, 0x78));
    return p;
}

} // namespace pygmi::ui
