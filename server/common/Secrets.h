#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

namespace pygmi::server {

// Random secrets and their one-way fingerprints. Tokens and codes are stored only as
// SHA-256 fingerprints, so a copy of the database does not let anyone sign in.
class Secrets
{
public:
    // Must run once before any other call (libsodium initialisation).
    static bool initialise();

    // 32 random bytes, base64url without padding (43 characters).
    static QString randomToken();
    // A uniformly random decimal code of `digits` digits, zero padded.
    static QString randomDigits(int digits);
    static QString randomHex(int bytes);
    // Lowercase hex SHA-256 of the UTF-8 bytes.
    static QString sha256Hex(const QString &text);
    static QString sha256Hex(const QByteArray &bytes);
    // Constant-time equality for fingerprints of equal length.
    static bool equalConstantTime(const QString &a, const QString &b);
    // Strict base64url (no padding); nullopt when the text is not base64url.
    static std::optional<QByteArray> decodeBase64Url(const QString &text);
};

} // namespace pygmi::server
