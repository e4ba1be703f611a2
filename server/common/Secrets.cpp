#include "Secrets.h"

#include <sodium.h>

namespace pygmi::server {

bool Secrets::initialise()
{
    return sodium_init() >= 0;
}

QString Secrets::randomToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    randombytes_buf(bytes.data(), static_cast<size_t>(bytes.size()));
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString Secrets::randomDigits(int digits)
{
    QString code;
    for (int i = 0; i < digits; ++i)
        code += QChar(u'0' + static_cast<char16_t>(randombytes_uniform(10)));
    return code;
}

QString Secrets::randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    randombytes_buf(raw.data(), static_cast<size_t>(raw.size()));
    return QString::fromLatin1(raw.toHex());
}

QString Secrets::sha256Hex(const QString &text)
{
    return sha256Hex(text.toUtf8());
}

QString Secrets::sha256Hex(const QByteArray &bytes)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(bytes.constData()),
                       static_cast<unsigned long long>(bytes.size()));
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(digest), sizeof digest).toHex());
}

bool Secrets::equalConstantTime(const QString &a, const QString &b)
{
    const QByteArray left = a.toUtf8();
    const QByteArray right = b.toUtf8();
    if (left.size() != right.size())
        return false;
    return sodium_memcmp(left.constData(), right.constData(), static_cast<size_t>(left.size())) == 0;
}

std::optional<QByteArray> Secrets::decodeBase64Url(const QString &text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool ok = (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-'
            || u == u'_';
        if (!ok)
            return std::nullopt;
    }
    auto result = QByteArray::fromBase64Encoding(text.toLatin1(),
                                                 QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                     | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

} // namespace pygmi::server
