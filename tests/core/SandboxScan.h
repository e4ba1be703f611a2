#pragma once

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

namespace pygmi::test {

// The throwaway directories a test run points HOME and XDG_* at, or nothing when they are
// not throwaway: scanning a developer's real home would be slow and prove nothing.
inline QStringList sandboxDirs()
{
    const QString sandbox = qEnvironmentVariable("PYGMI_TEST_SANDBOX");
    const QString tmp = QDir::tempPath() + u'/';
    QStringList dirs;
    for (const char *var : { "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                             "XDG_RUNTIME_DIR" }) {
        const QString dir = QDir::cleanPath(qEnvironmentVariable(var));
        if (dir.isEmpty() || !QFileInfo::exists(dir))
            continue;
        const bool throwaway = dir.startsWith(tmp) || (!sandbox.isEmpty() && dir.startsWith(QDir::cleanPath(sandbox)));
        if (!throwaway)
            return {};
        dirs.append(dir);
    }
    return dirs;
}

// Regular files under `dirs` whose bytes contain `needle` (no sockets or FIFOs: opening a
// FIFO would block).
inline QStringList filesContaining(const QStringList &dirs, const QByteArray &needle)
{
    QStringList hits;
    for (const QString &dir : dirs) {
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            if (f.size() > 64 * 1024 * 1024 || !f.open(QIODevice::ReadOnly))
                continue;
            if (f.readAll().contains(needle))
                hits.append(path);
        }
    }
    return hits;
}

} // namespace pygmi::test
