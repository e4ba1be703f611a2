#include "JwkSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <optional>

namespace pygmi::server {

namespace {

std::optional<QByteArray> base64Url(const QJsonValue &value)
{
    if (!value.isString())
        return std::nullopt;
    const auto result = QByteArray::fromBase64Encoding(
        value.toString().toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result || result.decoded.isEmpty())
        return std::nullopt;
    return result.decoded;
}

std::shared_ptr<EVP_PKEY> fromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX *context = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY *key = nullptr;
    if (params && context && EVP_PKEY_fromdata_init(context) == 1)
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    return key ? std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free) : nullptr;
}

std::shared_ptr<EVP_PKEY> rsaKey(const QJsonObject &jwk)
{
    const auto n = base64Url(jwk.value(QStringLiteral("n")));
    const auto e = base64Url(jwk.value(QStringLiteral("e")));
    if (!n || !e || n->size() < 256) // below 2048 bits is not a key we trust
        return nullptr;
    BIGNUM *modulus = BN_bin2bn(reinterpret_cast<const unsigned char *>(n->constData()), int(n->size()), nullptr);
    BIGNUM *exponent = BN_bin2bn(reinterpret_cast<const unsigned char *>(e->constData()), int(e->size()), nullptr);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    std::shared_ptr<EVP_PKEY> key;
    if (modulus && exponent && builder && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, modulus)
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, exponent))
        key = fromParams("RSA", builder);
    OSSL_PARAM_BLD_free(builder);
    BN_free(modulus);
    BN_free(exponent);
    return key;
}

std::shared_ptr<EVP_PKEY> ecKey(const QJsonObject &jwk)
{
    if (jwk.value(QStringLiteral("crv")).toString() != QLatin1String("P-256"))
        return nullptr;
    const auto x = base64Url(jwk.value(QStringLiteral("x")));
    const auto y = base64Url(jwk.value(QStringLiteral("y")));
    if (!x || !y || x->size() != 32 || y->size() != 32)
        return nullptr;
    QByteArray point = QByteArray(1, '\x04') + *x + *y; // uncompressed SEC1 point
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    std::shared_ptr<EVP_PKEY> key;
    if (builder && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0)
        && OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.constData(), point.size()))
        key = fromParams("EC", builder);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

} // namespace

JwkSet JwkSet::parse(const QByteArray &json, bool *ok)
{
    JwkSet set;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    const bool valid = error.error == QJsonParseError::NoError && document.isObject()
        && document.object().value(QStringLiteral("keys")).isArray();
    if (ok)
        *ok = valid;
    if (!valid)
        return set;
    for (const QJsonValue &value : document.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject jwk = value.toObject();
        const QString use = jwk.value(QStringLiteral("use")).toString();
        if (!use.isEmpty() && use != QLatin1String("sig"))
            continue;
        Key key;
        key.kid = jwk.value(QStringLiteral("kid")).toString();
        key.kty = jwk.value(QStringLiteral("kty")).toString();
        if (key.kty == QLatin1String("RSA"))
            key.key = rsaKey(jwk);
        else if (key.kty == QLatin1String("EC"))
            key.key = ecKey(jwk);
        if (key.key)
            set.m_keys.emplace(key.kid, key);
    }
    return set;
}

const JwkSet::Key *JwkSet::find(const QString &kid, const QString &kty) const
{
    if (!kid.isEmpty()) {
        const auto [begin, end] = m_keys.equal_range(kid);
        for (auto it = begin; it != end; ++it)
            if (it->second.kty == kty)
                return &it->second;
        return nullptr;
    }
    const Key *only = nullptr;
    for (const auto &[id, key] : m_keys) {
        if (key.kty != kty)
            continue;
        if (only)
            return nullptr; // ambiguous without a kid
        only = &key;
    }
    return only;
}

} // namespace pygmi::server
