#include "PasswordHasher.h"

#include "common/Secrets.h"

#include <sodium.h>

namespace pygmi::server {

PasswordHasher::PasswordHasher()
    : m_dummyHash(hash(Secrets::randomToken()).value_or(QString()))
{ }

std::optional<QString> PasswordHasher::hash(const QString &password) const
{
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, utf8.constData(), static_cast<unsigned long long>(utf8.size()),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE)
        != 0)
        return std::nullopt;
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &encodedHash, const QString &password) const
{
    const QByteArray stored = encodedHash.toLatin1();
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(stored.constData(), utf8.constData(), static_cast<unsigned long long>(utf8.size()))
        == 0;
}

void PasswordHasher::spendEqualWork(const QString &password) const
{
    (void)verify(m_dummyHash, password);
}

} // namespace pygmi::server
