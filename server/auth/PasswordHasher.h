#pragma once

#include <QString>
#include <optional>

namespace pygmi::server {

// argon2id through libsodium (crypto_pwhash_str, "interactive" limits: ~70 ms, 64 MiB).
// Slow on purpose: call it on a worker thread, never on an io thread.
class PasswordHasher
{
public:
    PasswordHasher();

    // The encoded hash (algorithm, parameters and salt included); nullopt if out of memory.
    std::optional<QString> hash(const QString &password) const;
    bool verify(const QString &encodedHash, const QString &password) const;
    // The same work as verify() against a hash that matches nothing: an unknown email then
    // costs as much time as a wrong password and cannot be told apart by timing.
    void spendEqualWork(const QString &password) const;

private:
    QString m_dummyHash;
};

} // namespace pygmi::server
