#pragma once

#include <QByteArray>
#include <QString>
#include <map>
#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace pygmi::server {

// Public keys of an identity provider, read from its JWKS document (RFC 7517). Only signing
// keys we can check are kept: RSA (for RS256) and EC P-256 (for ES256).
class JwkSet
{
public:
    struct Key
    {
        QString kid;
        QString kty; // "RSA" | "EC"
        std::shared_ptr<EVP_PKEY> key;
    };

    // Parses {"keys":[...]}; keys of other types, other curves or other uses are skipped.
    static JwkSet parse(const QByteArray &json, bool *ok = nullptr);

    // The key with this kid; with an empty kid, the only key of this type (if exactly one).
    const Key *find(const QString &kid, const QString &kty) const;
    bool isEmpty() const { return m_keys.empty(); }
    std::size_t size() const { return m_keys.size(); }

private:
    std::multimap<QString, Key> m_keys; // by kid
};

} // namespace pygmi::server
