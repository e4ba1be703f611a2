#pragma once

#include <QSet>
#include <QString>
#include <optional>

namespace pygmi::server {

// Which passwords we accept: 10..256 characters, not a common password (or a common one with
// digits and punctuation around it), at least 5 different characters, and not mostly the
// user's own email or name. Answers the contract's field code for the first rule broken.
class PasswordPolicy
{
public:
    static constexpr int kMinLength = 10;
    static constexpr int kMaxLength = 256;

    static std::optional<QString> check(const QString &password, const QString &email, const QString &displayName);

private:
    static const QSet<QString> &commonPasswords();
    static bool isCommon(const QString &password);
    static bool isMostlyPersonal(const QString &password, const QString &email, const QString &displayName);
};

} // namespace pygmi::server
