#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QString>
#include <cstdint>
#include <vector>

namespace pygmi::server {

// Writes a ZIP archive front to back without ever holding it in memory: entries are "stored"
// (media is already compressed; JSON is small), each followed by a data descriptor so that its
// size and CRC-32 need not be known before its bytes are written. ZIP64 records are written when
// an entry or the archive passes 4 GiB. Every entry's SHA-256 is computed on the way through.
class ZipStreamWriter
{
public:
    struct Entry
    {
        QString name;
        std::uint64_t bytes = 0;
        QString sha256;
    };

    explicit ZipStreamWriter(QFile &out);

    // Starts an entry; then append() its bytes in any number of pieces; then finishEntry().
    bool beginEntry(const QString &name, std::int64_t modifiedMs);
    bool append(const QByteArray &bytes);
    bool finishEntry();
    // A whole small entry at once.
    bool addEntry(const QString &name, const QByteArray &bytes, std::int64_t modifiedMs);
    // Copies a file in 64 KiB pieces.
    bool addFile(const QString &name, const QString &path, std::int64_t modifiedMs);
    // Writes the central directory. The file is complete only after this returns true.
    bool finish();

    const std::vector<Entry> &entries() const { return m_done; }
    QString lastEntrySha256() const { return m_done.empty() ? QString() : m_done.back().sha256; }

private:
    struct Central
    {
        QByteArray name;
        std::uint32_t crc = 0;
        std::uint64_t size = 0;
        std::uint64_t offset = 0;
        std::uint16_t time = 0;
        std::uint16_t date = 0;
    };
    bool write(const QByteArray &bytes);

    QFile &m_out;
    std::uint64_t m_position = 0;
    bool m_inEntry = false;
    Central m_current;
    QCryptographicHash m_hash { QCryptographicHash::Sha256 };
    std::vector<Central> m_central;
    std::vector<Entry> m_done;
};

} // namespace pygmi::server
