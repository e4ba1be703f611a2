#pragma once

#include <QString>
#include <QStringList>
#include <optional>

class QWidget;

namespace pygmi::ui {

// Every file chooser of the app goes through here, so that tests can answer it
// (setNextSaveFileName) instead of blocking on a dialog nobody can see.
class FileDialog
{
public:
    // Empty when the user cancelled. `selectedFilter` receives the chosen filter.
    static QString getSaveFileName(QWidget *parent, const QString &title, const QString &suggestedPath,
                                   const QString &filters, QString *selectedFilter = nullptr);
    // The next call returns `path` at once (empty = as if cancelled).
    static void setNextSaveFileName(const QString &path);
    // A folder to write into; empty when the user cancelled.
    static QString getExistingDirectory(QWidget *parent, const QString &title, const QString &start);
    static void setNextDirectory(const QString &path);

    // Files to open (empty when cancelled).
    static QStringList getOpenFileNames(QWidget *parent, const QString &title, const QString &directory,
                                        const QString &filters);
    static void setNextOpenFileNames(const QStringList &paths);

private:
    static std::optional<QString> s_nextSave;
    static std::optional<QStringList> s_nextOpen;
    static std::optional<QString> s_nextDirectory;
};

} // namespace pygmi::ui
