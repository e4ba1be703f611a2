#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace pygmi::core {

// Checks the server's Ed25519 receipts with OpenSSL: consent receipts sign their "event", privacy
// request receipts their "request". A receipt is {"alg":"Ed25519","key_id","<payload>":{...},
// "signature"} with the signature over the compact JSON of the payload.
class ReceiptVerifier
{
public:
    static bool verify(const QJsonObject &receipt, const QString &payloadKey, const QByteArray &publicKey);
};

} // namespace pygmi::core
