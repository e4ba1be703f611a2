#include "BlobStore.h"

#include "common/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <cstdio>
#include <unistd.h>

namespace pygmi::server {

BlobStore::BlobStore(QString root)
    : m_root(std::move(root))
{ }

QString BlobStore::sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QString BlobStore::pathFor(const QString &sha256) const
{
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(sha256).hasMatch())
        return {};
    return m_root + u'/' + sha256.left(2) + u'/' + sha256;
}

std::optional<QString> BlobStore::put(const QByteArray &bytes) const
{
    const QString sha = sha256Hex(bytes);
    const QString path = pathFor(sha);
    if (QFileInfo::exists(path))
        return sha;
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        qCWarning(lcStorage) << "cannot create a blob folder";
        return std::nullopt;
    }
    QSaveFile file(path); // temporary file + fsync + rename
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        qCWarning(lcStorage) << "cannot write a blob:" << file.errorString();
        return std::nullopt;
    }
    return sha;
}

std::optional<QByteArray> BlobStore::read(const QString &sha256) const
{
    const QString path = pathFor(sha256);
    if (path.isEmpty())
        return std::nullopt;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    return file.readAll();
}

bool BlobStore::adopt(const QString &filePath, const QString &sha256) const
{
    const QString path = pathFor(sha256);
    if (path.isEmpty())
        return false;
    if (QFileInfo::exists(path)) {
        QFile::remove(filePath);
        return true;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        qCWarning(lcStorage) << "cannot create a blob folder";
        return false;
    }
    QFile file(filePath);
    if (!file.open(QIODevice::ReadWrite) || !file.flush() || ::fsync(file.handle()) != 0) {
        qCWarning(lcStorage) << "cannot flush a file before storing it";
        return false;
    }
    file.close();
    return std::rename(QFile::encodeName(filePath).constData(), QFile::encodeName(path).constData()) == 0;
}

bool BlobStore::remove(const QString &sha256) const
{
    const QString path = pathFor(sha256);
    if (path.isEmpty())
        return false;
    if (!QFileInfo::exists(path))
        return true;
    if (!QFile::remove(path)) {
        qCWarning(lcStorage) << "cannot delete a blob";
        return false;
    }
    QDir().rmdir(QFileInfo(path).absolutePath()); // only when empty
    return true;
}

bool BlobStore::contains(const QString &sha256) const
{
    const QString path = pathFor(sha256);
    return !path.isEmpty() && QFileInfo::exists(path);
}

} // namespace pygmi::server
