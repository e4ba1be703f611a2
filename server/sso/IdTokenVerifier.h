#pragma once

#include "JwkSet.h"

#include <QString>
#include <cstdint>
#include <optional>

namespace pygmi::server {

// Checks an OpenID Connect ID token (a JWS in compact form) with OpenSSL: the signature
// (RS256 or ES256 only; never "none" or a shared-secret algorithm), then iss, aud/azp, exp, iat,
// nbf with a small clock skew, and the nonce bound to the sign-in attempt.
class IdTokenVerifier
{
public:
    enum class Failure {
        None,
        Malformed,
        UnsupportedAlgorithm,
        UnknownKey,
        BadSignature,
        WrongIssuer,
        WrongAudience,
        Expired,
        IssuedInFuture,
        NonceMismatch,
        MissingSubject,
    };

    struct Expectations
    {
        QString issuer;
        QString clientId;
        QString nonce;
        std::int64_t nowSeconds = 0;
        std::int64_t skewSeconds = 60;
    };

    // The only claims the server keeps: who (issuer, subject), an email if the provider
    // vouches for it, and a name.
    struct Claims
    {
        QString issuer;
        QString subject;
        QString email; // empty unless email_verified is true
        QString name;
    };

    // Reads the header's kid and alg without trusting anything else, for picking a key.
    static bool peekHeader(const QString &token, QString *kid, QString *alg);
    static std::optional<Claims> verify(const QString &token, const JwkSet &keys, const Expectations &expected,
                                        Failure *failure);
    // A stable machine code for a failure ("expired", "wrong_audience", …).
    static QString failureCode(Failure failure);
};

} // namespace pygmi::server
