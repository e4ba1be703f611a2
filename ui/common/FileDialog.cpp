#include "common/FileDialog.h"

#include <QFileDialog>

namespace pygmi::ui {

std::optional<QString> FileDialog::s_nextSave;
std::optional<QStringList> FileDialog::s_nextOpen;

QStringList FileDialog::getOpenFileNames(QWidget *parent, const QString &title, const QString &directory,
                                         const QString &filters)
{
    if (s_nextOpen) {
        const QStringList paths = *s_nextOpen;
        s_nextOpen.reset();
        return paths;
    }
    return QFileDialog::getOpenFileNames(parent, title, directory, filters);
}

void FileDialog::setNextOpenFileNames(const QStringList &paths)
{
    s_nextOpen = paths;
}
std::optional<QString> FileDialog::s_nextDirectory;

QString FileDialog::getSaveFileName(QWidget *parent, const QString &title, const QString &suggestedPath,
                                    const QString &filters, QString *selectedFilter)
{
    if (s_nextSave) {
        const QString path = *s_nextSave;
        s_nextSave.reset();
        return path;
    }
    return QFileDialog::getSaveFileName(parent, title, suggestedPath, filters, selectedFilter);
}

void FileDialog::setNextSaveFileName(const QString &path)
{
    s_nextSave = path;
}

QString FileDialog::getExistingDirectory(QWidget *parent, const QString &title, const QString &start)
{
    if (s_nextDirectory) {
        const QString path = *s_nextDirectory;
        s_nextDirectory.reset();
        return path;
    }
    return QFileDialog::getExistingDirectory(parent, title, start);
}

void FileDialog::setNextDirectory(const QString &path)
{
    s_nextDirectory = path;
}

} // namespace pygmi::ui
