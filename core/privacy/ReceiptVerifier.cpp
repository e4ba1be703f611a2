#include "ReceiptVerifier.h"

#include <QJsonDocument>
#include <openssl/evp.h>

namespace pygmi::core {

bool ReceiptVerifier::verify(const QJsonObject &receipt, const QString &payloadKey, const QByteArray &publicKey)
{
    if (publicKey.size() != 32 || receipt.value(QLatin1String("alg")).toString() != u"Ed25519"
        || !receipt.value(payloadKey).isObject())
        return false;
    const QByteArray message = QJsonDocument(receipt.value(payloadKey).toObject()).toJson(QJsonDocument::Compact);
    const auto decoded = QByteArray::fromBase64Encoding(receipt.value(QLatin1String("signature")).toString().toLatin1(),
                                                        QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                            | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 64)
        return false;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                                reinterpret_cast<const unsigned char *>(publicKey.constData()),
                                                size_t(publicKey.size()));
    if (!key)
        return false;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    const bool ok = context && EVP_DigestVerifyInit(context, nullptr, nullptr, nullptr, key) == 1
        && EVP_DigestVerify(context, reinterpret_cast<const unsigned char *>(decoded.decoded.constData()),
                            size_t(decoded.decoded.size()),
                            reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()))
            == 1;
    EVP_MD_CTX_free(context);
    EVP_PKEY_free(key);
    return ok;
}

} // namespace pygmi::core
