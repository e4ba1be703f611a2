#include "ZipReader.h"

#include <QCryptographicHash>

namespace pygmi::core {

namespace {

quint64 le(const QByteArray &bytes, qsizetype at, int width)
{
    quint64 value = 0;
    for (int i = width - 1; i >= 0; --i)
        value = (value << 8) | quint8(bytes.at(at + i));
    return value;
}

} // namespace

bool ZipReader::open(const QString &path)
{
    m_entries.clear();
    m_file.close();
    m_file.setFileName(path);
    if (!m_file.open(QIODevice::ReadOnly)) {
        m_error = m_file.errorString();
        return false;
    }
    const qint64 size = m_file.size();
    const qint64 tailSize = qMin<qint64>(size, 65536 + 22);
    m_file.seek(size - tailSize);
    const QByteArray tail = m_file.read(tailSize);
    const qsizetype end = tail.lastIndexOf(QByteArray("PK\x05\x06", 4));
    if (end < 0 || end + 22 > tail.size()) {
        m_error = QStringLiteral("not a ZIP archive");
        return false;
    }
    quint64 count = le(tail, end + 10, 2);
    quint64 centralSize = le(tail, end + 12, 4);
    quint64 centralOffset = le(tail, end + 16, 4);
    const qsizetype locator = end - 20;
    if (locator >= 0 && tail.mid(locator, 4) == QByteArray("PK\x06\x07", 4)) {
        const quint64 zip64End = le(tail, locator + 8, 8);
        m_file.seek(qint64(zip64End));
        const QByteArray record = m_file.read(56);
        if (record.size() == 56 && record.startsWith(QByteArray("PK\x06\x06", 4))) {
            count = le(record, 32, 8);
            centralSize = le(record, 40, 8);
            centralOffset = le(record, 48, 8);
        }
    }
    if (centralOffset + centralSize > quint64(size)) {
        m_error = QStringLiteral("the central directory is outside the file");
        return false;
    }
    m_file.seek(qint64(centralOffset));
    const QByteArray central = m_file.read(qint64(centralSize));
    qsizetype at = 0;
    for (quint64 i = 0; i < count; ++i) {
        if (at + 46 > central.size() || central.mid(at, 4) != QByteArray("PK\x01\x02", 4)) {
            m_error = QStringLiteral("damaged central directory");
            return false;
        }
        Entry entry;
        entry.method = quint16(le(central, at + 10, 2));
        entry.size = le(central, at + 24, 4);
        const int nameLength = int(le(central, at + 28, 2));
        const int extraLength = int(le(central, at + 30, 2));
        const int commentLength = int(le(central, at + 32, 2));
        quint64 localOffset = le(central, at + 42, 4);
        entry.name = QString::fromUtf8(central.mid(at + 46, nameLength));
        // ZIP64: the real values follow in the extra field, in order, for the fields set to all ones.
        qsizetype extra = at + 46 + nameLength;
        const qsizetype extraEnd = extra + extraLength;
        while (extra + 4 <= extraEnd) {
            const quint64 id = le(central, extra, 2);
            const int length = int(le(central, extra + 2, 2));
            if (id == 1) {
                qsizetype field = extra + 4;
                if (entry.size == 0xFFFFFFFFull) {
                    entry.size = le(central, field, 8);
                    field += 8;
                }
                if (le(central, at + 20, 4) == 0xFFFFFFFFull)
                    field += 8;
                if (localOffset == 0xFFFFFFFFull)
                    localOffset = le(central, field, 8);
            }
            extra += 4 + length;
        }
        m_file.seek(qint64(localOffset));
        const QByteArray local = m_file.read(30);
        if (local.size() != 30 || !local.startsWith(QByteArray("PK\x03\x04", 4))) {
            m_error = QStringLiteral("damaged entry %1").arg(entry.name);
            return false;
        }
        entry.dataOffset = localOffset + 30 + le(local, 26, 2) + le(local, 28, 2);
        if (entry.dataOffset + entry.size > quint64(size)) {
            m_error = QStringLiteral("entry %1 is outside the file").arg(entry.name);
            return false;
        }
        m_entries.append(entry);
        at += 46 + nameLength + extraLength + commentLength;
    }
    return true;
}

const ZipReader::Entry *ZipReader::find(const QString &name) const
{
    for (const Entry &entry : m_entries) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

QByteArray ZipReader::read(const QString &name, qint64 maxBytes)
{
    const Entry *entry = find(name);
    if (!entry || entry->method != 0 || qint64(entry->size) > maxBytes || !m_file.seek(qint64(entry->dataOffset)))
        return {};
    return m_file.read(qint64(entry->size));
}

QString ZipReader::sha256(const QString &name)
{
    const Entry *entry = find(name);
    if (!entry || entry->method != 0 || !m_file.seek(qint64(entry->dataOffset)))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    quint64 left = entry->size;
    while (left > 0) {
        const QByteArray piece = m_file.read(qint64(qMin<quint64>(left, 256 * 1024)));
        if (piece.isEmpty())
            return {};
        hash.addData(piece);
        left -= quint64(piece.size());
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace pygmi::core
