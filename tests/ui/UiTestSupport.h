#pragma once

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QDate>
#include <QDir>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include "theme/Theme.h"

#include <memory>

namespace pygmi::test {

// Throwaway config/data/cache folders for the app under test, set before QApplication so that
// QStandardPaths and QSettings use them. The keychain is the real one of the test session.
class UiSandbox
{
public:
    static void create()
    {
        static std::unique_ptr<QTemporaryDir> dir;
        dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1String("/pygmi-ui-XXXXXX"));
        s_root = dir->path();
        for (const char *sub : { "config", "data", "cache" })
            QDir(s_root).mkpath(QLatin1String(sub));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(s_root + QLatin1String("/config")));
        qputenv("XDG_DATA_HOME", QFile::encodeName(s_root + QLatin1String("/data")));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(s_root + QLatin1String("/cache")));
        qputenv("PYGMI_TEST_SANDBOX", QFile::encodeName(s_root));
    }
    static QString root() { return s_root; }
    // A keychain service of our own, so that tests running in parallel never share secrets.
    static QString keychainService()
    {
        static const QString service = QStringLiteral("Pygmi Studio test %1")
                                           .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        return service;
    }

private:
    static inline QString s_root;
};

template<typename T = QWidget>
T *child(const QWidget *root, const char *name)
{
    return root ? root->findChild<T *>(QString::fromLatin1(name)) : nullptr;
}

// With PYGMI_SCREENSHOT_DIR set, saves `window` there as <baseName>-light.png and
// <baseName>-dark.png, then goes back to the light theme; without it, does nothing.
inline void saveThemedScreenshots(ui::Theme &theme, QWidget *window, const QString &baseName)
{
    const QString dir = qEnvironmentVariable("PYGMI_SCREENSHOT_DIR");
    if (dir.isEmpty() || !window)
        return;
    for (auto mode : { ui::Theme::Mode::Light, ui::Theme::Mode::Dark }) {
        theme.setMode(mode);
        QTest::qWait(150);
        window->grab().save(QStringLiteral("%1/%2-%3.png")
                                .arg(dir, baseName,
                                     mode == ui::Theme::Mode::Light ? QStringLiteral("light") : QStringLiteral("dark")));
    }
    theme.setMode(ui::Theme::Mode::Light);
}

inline bool isUsable(const QWidget *widget)
{
    return widget && widget->isVisible() && widget->isEnabled();
}

inline QString labelText(const QWidget *root, const char *name)
{
    const auto *label = child<QLabel>(root, name);
    return label && label->isVisible() ? label->text() : QString();
}

// Buttons, fields, lists and combo boxes under `root` lacking an objectName or an accessible
// name (tests and screen readers need both).
inline QStringList unnamedControls(const QWidget *root)
{
    QStringList unnamed;
    const auto widgets = root->findChildren<QWidget *>();
    for (const QWidget *widget : widgets) {
        const bool control = qobject_cast<const QAbstractButton *>(widget) || qobject_cast<const QLineEdit *>(widget)
            || qobject_cast<const QComboBox *>(widget) || qobject_cast<const QAbstractItemView *>(widget);
        if (!control)
            continue;
        bool insideCombo = false;
        for (const QWidget *up = widget->parentWidget(); up && up != root; up = up->parentWidget())
            insideCombo = insideCombo || qobject_cast<const QComboBox *>(up) || qobject_cast<const QAbstractSpinBox *>(up)
                || up->isWindow();
        if (insideCombo)
            continue;
        if (widget->objectName().isEmpty() || widget->accessibleName().isEmpty())
            unnamed << QStringLiteral("%1 '%2'").arg(QLatin1String(widget->metaObject()->className()),
                                                    widget->objectName());
    }
    return unnamed;
}

// Files under `dir` whose bytes contain `needle`.
inline QStringList filesContaining(const QString &dir, const QByteArray &needle)
{
    QStringList hits;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            hits.append(path);
    }
    return hits;
}

// The newest one-time code the server mailed to `email` (its outbox folder), or empty.
inline QString latestMailedCode(const QString &serverDataDir, const QString &email)
{
    QDir outbox(serverDataDir + QLatin1String("/outbox"));
    const auto files = outbox.entryInfoList({ QStringLiteral("*.eml") }, QDir::Files, QDir::Name | QDir::Reversed);
    static const QRegularExpression code(QStringLiteral("Code:\\s*(\\d{6})"));
    for (const QFileInfo &info : files) {
        QFile file(info.filePath());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(file.readAll());
        if (!text.contains(email, Qt::CaseInsensitive))
            continue;
        const auto match = code.match(text);
        if (match.hasMatch())
            return match.captured(1);
    }
    return {};
}

inline int mailCount(const QString &serverDataDir)
{
    return int(QDir(serverDataDir + QLatin1String("/outbox")).entryList({ QStringLiteral("*.eml") }, QDir::Files).size());
}

} // namespace pygmi::test

// Finds a button by objectName, checks it is visible and enabled (a disabled button fails the
// test instead of silently doing nothing), and clicks it.
#define UI_CLICK(root, name)                                                                                         \
    do {                                                                                                             \
        auto *button_ = pygmi::test::child<QAbstractButton>(root, name);                                             \
        QVERIFY2(button_, "no button " name);                                                                        \
        QTRY_VERIFY2_WITH_TIMEOUT(pygmi::test::isUsable(button_), name " is not visible and enabled", 10000);        \
        QTest::mouseClick(button_, Qt::LeftButton);                                                                  \
    } while (false)

// Types into a line edit found by objectName, replacing what was there.
#define UI_TYPE(root, name, text)                                                                                    \
    do {                                                                                                             \
        auto *edit_ = pygmi::test::child<QLineEdit>(root, name);                                                     \
        QVERIFY2(edit_, "no line edit " name);                                                                       \
        QTRY_VERIFY2_WITH_TIMEOUT(pygmi::test::isUsable(edit_), name " is not visible and enabled", 10000);          \
        edit_->clear();                                                                                              \
        QTest::keyClicks(edit_, text);                                                                               \
    } while (false)

// Enters a date in a BirthDateEdit (day and month lists, typed year).
#define UI_BIRTH_DATE(root, prefix, date)                                                                            \
    do {                                                                                                             \
        auto *day_ = pygmi::test::child<QComboBox>(root, prefix "Day");                                              \
        auto *month_ = pygmi::test::child<QComboBox>(root, prefix "Month");                                          \
        QVERIFY2(day_ && month_, "no date of birth " prefix);                                                        \
        day_->setCurrentIndex((date).day());                                                                         \
        month_->setCurrentIndex((date).month());                                                                     \
        UI_TYPE(root, prefix "Year", QString::number((date).year()));                                                \
    } while (false)

#define PYGMI_UI_TEST_MAIN(TestObject)                                                                               \
    int main(int argc, char *argv[])                                                                                 \
    {                                                                                                                \
        pygmi::test::UiSandbox::create();                                                                            \
        QCoreApplication::setOrganizationName(QStringLiteral("Pygmi"));                                              \
        QCoreApplication::setApplicationName(QStringLiteral("Pygmi Studio"));                                        \
        QApplication app(argc, argv);                                                                                \
        TestObject test;                                                                                             \
        return QTest::qExec(&test, argc, argv);                                                                      \
    }
