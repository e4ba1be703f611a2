#pragma once

#include <QByteArray>
#include <QString>

namespace pygmi::server {

// Signs consent receipts with Ed25519 (libsodium). The key pair is made at first start and kept
// in the data directory, readable by the server's user only (0600). The public key is served
// so that the app, or anyone holding a receipt, can check that the server issued it.
class ReceiptSigner
{
public:
    // Loads DIR/consent-receipt.key or creates it. False with `error` on failure.
    bool initialise(const QString &dataDir, QString *error);

    // Detached signature of `message`, base64url without padding.
    QString sign(const QByteArray &message) const;
    bool verify(const QByteArray &message, const QString &signature) const;

    QString publicKeyBase64Url() const;
    // First 16 hex digits of SHA-256 of the public key: names the key a receipt was signed with.
    QString keyId() const;

private:
    QByteArray m_secretKey; // 64 bytes (seed + public key), libsodium layout
    QByteArray m_publicKey; // 32 bytes
};

} // namespace pygmi::server
