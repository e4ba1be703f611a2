#pragma once

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace pygmi::core {

// Reads the ZIP archives the server exports (stored entries, ZIP64 when large) straight from the
// file: the central directory is parsed, entries are hashed or read in pieces, so checking a
// multi-gigabyte archive never loads it into memory.
class ZipReader
{
public:
    struct Entry
    {
        QString name;
        quint64 size = 0;
        quint64 dataOffset = 0;
        quint16 method = 0;
    };

    bool open(const QString &path);
    QString errorString() const { return m_error; }
    const QList<Entry> &entries() const { return m_entries; }
    const Entry *find(const QString &name) const;
    // Whole entry (for small ones such as manifest.json); empty on failure.
    QByteArray read(const QString &name, qint64 maxBytes = 64 * 1024 * 1024);
    // SHA-256 hex of an entry's bytes, read in pieces; empty on failure.
    QString sha256(const QString &name);

private:
    QFile m_file;
    QList<Entry> m_entries;
    QString m_error;
};

} // namespace pygmi::core
