#include "ZipStreamWriter.h"

#include <QDateTime>
#include <zlib.h>

namespace pygmi::server {

namespace {

constexpr std::uint64_t kZip64Limit = 0xFFFFFFFFull;

void put16(QByteArray &out, std::uint16_t value)
{
    out.append(char(value & 0xFF));
    out.append(char((value >> 8) & 0xFF));
}

void put32(QByteArray &out, std::uint32_t value)
{
    for (int i = 0; i < 4; ++i)
        out.append(char((value >> (8 * i)) & 0xFF));
}

void put64(QByteArray &out, std::uint64_t value)
{
    for (int i = 0; i < 8; ++i)
        out.append(char((value >> (8 * i)) & 0xFF));
}

void dosTime(std::int64_t ms, std::uint16_t *time, std::uint16_t *date)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    const int year = std::max(1980, at.date().year());
    *time = std::uint16_t((at.time().hour() << 11) | (at.time().minute() << 5) | (at.time().second() / 2));
    *date = std::uint16_t(((year - 1980) << 9) | (at.date().month() << 5) | at.date().day());
}

} // namespace

ZipStreamWriter::ZipStreamWriter(QFile &out)
    : m_out(out)
{ }

bool ZipStreamWriter::write(const QByteArray &bytes)
{
    if (m_out.write(bytes) != bytes.size())
        return false;
    m_position += std::uint64_t(bytes.size());
    return true;
}

bool ZipStreamWriter::beginEntry(const QString &name, std::int64_t modifiedMs)
{
    if (m_inEntry)
        return false;
    m_current = Central {};
    m_current.name = name.toUtf8();
    m_current.offset = m_position;
    m_current.crc = std::uint32_t(crc32(0L, Z_NULL, 0));
    dosTime(modifiedMs, &m_current.time, &m_current.date);
    m_hash.reset();
    QByteArray header;
    put32(header, 0x04034b50);
    put16(header, 45); // version needed: ZIP64
    put16(header, (1 << 3) | (1 << 11)); // sizes in a data descriptor; UTF-8 names
    put16(header, 0); // stored
    put16(header, m_current.time);
    put16(header, m_current.date);
    put32(header, 0); // CRC, sizes: in the descriptor
    put32(header, 0);
    put32(header, 0);
    put16(header, std::uint16_t(m_current.name.size()));
    put16(header, 0);
    header.append(m_current.name);
    m_inEntry = true;
    return write(header);
}

bool ZipStreamWriter::append(const QByteArray &bytes)
{
    if (!m_inEntry)
        return false;
    m_current.crc
        = std::uint32_t(crc32(m_current.crc, reinterpret_cast<const Bytef *>(bytes.constData()), uInt(bytes.size())));
    m_hash.addData(bytes);
    m_current.size += std::uint64_t(bytes.size());
    return write(bytes);
}

bool ZipStreamWriter::finishEntry()
{
    if (!m_inEntry)
        return false;
    m_inEntry = false;
    QByteArray descriptor;
    put32(descriptor, 0x08074b50);
    put32(descriptor, m_current.crc);
    if (m_current.size >= kZip64Limit) {
        put64(descriptor, m_current.size);
        put64(descriptor, m_current.size);
    } else {
        put32(descriptor, std::uint32_t(m_current.size));
        put32(descriptor, std::uint32_t(m_current.size));
    }
    m_central.push_back(m_current);
    m_done.push_back(
        Entry { QString::fromUtf8(m_current.name), m_current.size, QString::fromLatin1(m_hash.result().toHex()) });
    return write(descriptor);
}

bool ZipStreamWriter::addEntry(const QString &name, const QByteArray &bytes, std::int64_t modifiedMs)
{
    return beginEntry(name, modifiedMs) && append(bytes) && finishEntry();
}

bool ZipStreamWriter::addFile(const QString &name, const QString &path, std::int64_t modifiedMs)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly) || !beginEntry(name, modifiedMs))
        return false;
    while (!in.atEnd()) {
        const QByteArray piece = in.read(64 * 1024);
        if (piece.isEmpty() && in.error() != QFileDevice::NoError)
            return false;
        if (!append(piece))
            return false;
    }
    return finishEntry();
}

bool ZipStreamWriter::finish()
{
    if (m_inEntry)
        return false;
    const std::uint64_t centralStart = m_position;
    for (const Central &entry : m_central) {
        const bool big = entry.size >= kZip64Limit || entry.offset >= kZip64Limit;
        QByteArray extra;
        if (big) {
            put16(extra, 0x0001);
            put16(extra, 24);
            put64(extra, entry.size);
            put64(extra, entry.size);
            put64(extra, entry.offset);
        }
        QByteArray record;
        put32(record, 0x02014b50);
        put16(record, (3 << 8) | 45); // made by Unix, ZIP64-capable
        put16(record, 45);
        put16(record, (1 << 3) | (1 << 11));
        put16(record, 0);
        put16(record, entry.time);
        put16(record, entry.date);
        put32(record, entry.crc);
        put32(record, big ? 0xFFFFFFFFu : std::uint32_t(entry.size));
        put32(record, big ? 0xFFFFFFFFu : std::uint32_t(entry.size));
        put16(record, std::uint16_t(entry.name.size()));
        put16(record, std::uint16_t(extra.size()));
        put16(record, 0); // comment
        put16(record, 0); // disk
        put16(record, 0); // internal attributes
        put32(record, std::uint32_t(0100644) << 16); // -rw-r--r--
        put32(record, big ? 0xFFFFFFFFu : std::uint32_t(entry.offset));
        record.append(entry.name);
        record.append(extra);
        if (!write(record))
            return false;
    }
    const std::uint64_t centralSize = m_position - centralStart;
    const std::uint64_t count = m_central.size();
    const bool zip64 = centralStart >= kZip64Limit || count >= 0xFFFF;
    QByteArray end;
    if (zip64) {
        const std::uint64_t zip64End = m_position;
        put32(end, 0x06064b50);
        put64(end, 44);
        put16(end, 45);
        put16(end, 45);
        put32(end, 0);
        put32(end, 0);
        put64(end, count);
        put64(end, count);
        put64(end, centralSize);
        put64(end, centralStart);
        put32(end, 0x07064b50);
        put32(end, 0);
        put64(end, zip64End);
        put32(end, 1);
    }
    put32(end, 0x06054b50);
    put16(end, 0);
    put16(end, 0);
    put16(end, zip64 ? 0xFFFF : std::uint16_t(count));
    put16(end, zip64 ? 0xFFFF : std::uint16_t(count));
    put32(end, std::uint32_t(std::min<std::uint64_t>(centralSize, kZip64Limit)));
    put32(end, zip64 ? 0xFFFFFFFFu : std::uint32_t(centralStart));
    put16(end, 0);
    return write(end) && m_out.flush();
}

} // namespace pygmi::server
