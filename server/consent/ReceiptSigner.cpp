#include "ReceiptSigner.h"

#include "common/Secrets.h"

#include <QDir>
#include <QFile>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pygmi::server {

namespace {
QString toBase64Url(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}
} // namespace

bool ReceiptSigner::initialise(const QString &dataDir, QString *error)
{
    const QString path = QDir(dataDir).filePath(QStringLiteral("consent-receipt.key"));
    QFile existing(path);
    if (existing.exists()) {
        if (!existing.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1").arg(path);
            return false;
        }
        m_secretKey = existing.readAll();
        if (m_secretKey.size() != crypto_sign_SECRETKEYBYTES) {
            *error = QStringLiteral("%1 is not an Ed25519 key").arg(path);
            return false;
        }
        // The key must stay private even if someone loosened the mode by hand.
        ::chmod(QFile::encodeName(path).constData(), S_IRUSR | S_IWUSR);
    } else {
        QByteArray publicKey(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
        m_secretKey = QByteArray(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);
        crypto_sign_keypair(reinterpret_cast<unsigned char *>(publicKey.data()),
                            reinterpret_cast<unsigned char *>(m_secretKey.data()));
        // Created with 0600 from the start, never world-readable even for a moment.
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
        if (fd < 0 || ::write(fd, m_secretKey.constData(), size_t(m_secretKey.size())) != m_secretKey.size()
            || ::fsync(fd) != 0) {
            if (fd >= 0)
                ::close(fd);
            *error = QStringLiteral("cannot write %1").arg(path);
            return false;
        }
        ::close(fd);
    }
    m_publicKey = QByteArray(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized);
    crypto_sign_ed25519_sk_to_pk(reinterpret_cast<unsigned char *>(m_publicKey.data()),
                                 reinterpret_cast<const unsigned char *>(m_secretKey.constData()));
    return true;
}

QString ReceiptSigner::sign(const QByteArray &message) const
{
    QByteArray signature(crypto_sign_BYTES, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(message.constData()),
                         static_cast<unsigned long long>(message.size()),
                         reinterpret_cast<const unsigned char *>(m_secretKey.constData()));
    return toBase64Url(signature);
}

bool ReceiptSigner::verify(const QByteArray &message, const QString &signature) const
{
    const auto raw = Secrets::decodeBase64Url(signature);
    if (!raw || raw->size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(raw->constData()),
                                       reinterpret_cast<const unsigned char *>(message.constData()),
                                       static_cast<unsigned long long>(message.size()),
                                       reinterpret_cast<const unsigned char *>(m_publicKey.constData()))
        == 0;
}

QString ReceiptSigner::publicKeyBase64Url() const
{
    return toBase64Url(m_publicKey);
}

QString ReceiptSigner::keyId() const
{
    return Secrets::sha256Hex(m_publicKey).left(16);
}

} // namespace pygmi::server
