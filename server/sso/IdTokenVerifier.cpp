#include "IdTokenVerifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

namespace pygmi::server {

namespace {

std::optional<QByteArray> decodePart(const QString &part)
{
    const auto result = QByteArray::fromBase64Encoding(
        part.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return result.decoded;
}

std::optional<QJsonObject> decodeObject(const QString &part)
{
    const auto bytes = decodePart(part);
    if (!bytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// JWS ES256 signatures are r || s (32 bytes each); OpenSSL wants DER.
QByteArray ecdsaRawToDer(const QByteArray &raw)
{
    if (raw.size() != 64)
        return {};
    ECDSA_SIG *signature = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()), 32, nullptr);
    BIGNUM *s = BN_bin2bn(reinterpret_cast<const unsigned char *>(raw.constData()) + 32, 32, nullptr);
    QByteArray der;
    if (signature && r && s && ECDSA_SIG_set0(signature, r, s) == 1) {
        r = s = nullptr; // owned by the signature now
        unsigned char *out = nullptr;
        const int length = i2d_ECDSA_SIG(signature, &out);
        if (length > 0)
            der = QByteArray(reinterpret_cast<const char *>(out), length);
        OPENSSL_free(out);
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(signature);
    return der;
}

bool verifySignature(EVP_PKEY *key, const QByteArray &signedPart, const QByteArray &signature)
{
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool ok = context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key) == 1
        && EVP_DigestVerify(
               context, reinterpret_cast<const unsigned char *>(signature.constData()), std::size_t(signature.size()),
               reinterpret_cast<const unsigned char *>(signedPart.constData()), std::size_t(signedPart.size()))
            == 1;
    EVP_MD_CTX_free(context);
    return ok;
}

bool isWholeNumber(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() == double(value.toInteger());
}

} // namespace

bool IdTokenVerifier::peekHeader(const QString &token, QString *kid, QString *alg)
{
    const QStringList parts = token.split(u'.');
    if (parts.size() != 3)
        return false;
    const auto header = decodeObject(parts[0]);
    if (!header)
        return false;
    *kid = header->value(QStringLiteral("kid")).toString();
    *alg = header->value(QStringLiteral("alg")).toString();
    return true;
}

std::optional<IdTokenVerifier::Claims> IdTokenVerifier::verify(const QString &token, const JwkSet &keys,
                                                               const Expectations &expected, Failure *failure)
{
    const auto fail = [failure](Failure reason) -> std::optional<Claims> {
        *failure = reason;
        return std::nullopt;
    };
    *failure = Failure::None;
    if (token.size() > 16 * 1024)
        return fail(Failure::Malformed);
    const QStringList parts = token.split(u'.');
    if (parts.size() != 3)
        return fail(Failure::Malformed);
    const auto header = decodeObject(parts[0]);
    const auto payload = decodeObject(parts[1]);
    const auto signature = decodePart(parts[2]);
    if (!header || !payload || !signature)
        return fail(Failure::Malformed);

    const QString alg = header->value(QStringLiteral("alg")).toString();
    QString kty;
    QByteArray signatureBytes = *signature;
    if (alg == QLatin1String("RS256")) {
        kty = QStringLiteral("RSA");
    } else if (alg == QLatin1String("ES256")) {
        kty = QStringLiteral("EC");
        signatureBytes = ecdsaRawToDer(*signature);
        if (signatureBytes.isEmpty())
            return fail(Failure::BadSignature);
    } else {
        return fail(Failure::UnsupportedAlgorithm);
    }
    if (header->contains(QStringLiteral("crit")))
        return fail(Failure::UnsupportedAlgorithm); // no extensions are understood here
    const JwkSet::Key *key = keys.find(header->value(QStringLiteral("kid")).toString(), kty);
    if (!key)
        return fail(Failure::UnknownKey);
    const QByteArray signedPart = parts[0].toLatin1() + '.' + parts[1].toLatin1();
    if (!verifySignature(key->key.get(), signedPart, signatureBytes))
        return fail(Failure::BadSignature);

    // The signature is good: now the claims.
    if (payload->value(QStringLiteral("iss")).toString() != expected.issuer)
        return fail(Failure::WrongIssuer);
    const QJsonValue aud = payload->value(QStringLiteral("aud"));
    QStringList audiences;
    if (aud.isString())
        audiences << aud.toString();
    else if (aud.isArray())
        for (const QJsonValue &entry : aud.toArray())
            audiences << entry.toString();
    if (!audiences.contains(expected.clientId))
        return fail(Failure::WrongAudience);
    const QJsonValue azp = payload->value(QStringLiteral("azp"));
    if ((audiences.size() > 1 || !azp.isUndefined()) && azp.toString() != expected.clientId)
        return fail(Failure::WrongAudience);
    const QJsonValue exp = payload->value(QStringLiteral("exp"));
    const QJsonValue iat = payload->value(QStringLiteral("iat"));
    if (!isWholeNumber(exp) || !isWholeNumber(iat))
        return fail(Failure::Malformed);
    if (exp.toInteger() + expected.skewSeconds <= expected.nowSeconds)
        return fail(Failure::Expired);
    if (iat.toInteger() - expected.skewSeconds > expected.nowSeconds)
        return fail(Failure::IssuedInFuture);
    const QJsonValue nbf = payload->value(QStringLiteral("nbf"));
    if (!nbf.isUndefined() && (!isWholeNumber(nbf) || nbf.toInteger() - expected.skewSeconds > expected.nowSeconds))
        return fail(Failure::IssuedInFuture);
    const QString nonce = payload->value(QStringLiteral("nonce")).toString();
    if (expected.nonce.isEmpty() || nonce != expected.nonce)
        return fail(Failure::NonceMismatch);
    const QString subject = payload->value(QStringLiteral("sub")).toString();
    if (subject.isEmpty() || subject.size() > 255)
        return fail(Failure::MissingSubject);

    Claims claims;
    claims.issuer = expected.issuer;
    claims.subject = subject;
    const QJsonValue verified = payload->value(QStringLiteral("email_verified"));
    // Some providers send "true" as a string; anything else means "not verified".
    const bool emailVerified = verified.toBool() || verified.toString() == QLatin1String("true");
    if (emailVerified)
        claims.email = payload->value(QStringLiteral("email")).toString().trimmed().toLower();
    claims.name = payload->value(QStringLiteral("name")).toString().trimmed().left(64);
    return claims;
}

QString IdTokenVerifier::failureCode(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return {};
    case Failure::Malformed:
        return QStringLiteral("malformed");
    case Failure::UnsupportedAlgorithm:
        return QStringLiteral("unsupported_algorithm");
    case Failure::UnknownKey:
        return QStringLiteral("unknown_key");
    case Failure::BadSignature:
        return QStringLiteral("bad_signature");
    case Failure::WrongIssuer:
        return QStringLiteral("wrong_issuer");
    case Failure::WrongAudience:
        return QStringLiteral("wrong_audience");
    case Failure::Expired:
        return QStringLiteral("expired");
    case Failure::IssuedInFuture:
        return QStringLiteral("issued_in_future");
    case Failure::NonceMismatch:
        return QStringLiteral("nonce_mismatch");
    case Failure::MissingSubject:
        return QStringLiteral("missing_subject");
    }
    return QStringLiteral("invalid");
}

} // namespace pygmi::server
