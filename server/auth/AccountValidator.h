#pragma once

#include <QDate>
#include <QString>
#include <optional>

namespace pygmi::server {

// Field rules of the contract for account data other than the password. Each check returns
// the field code of the first rule broken, or nullopt; `normalized` receives the value to store.
class AccountValidator
{
public:
    static constexpr int kEmailMaxLength = 254;
    static constexpr int kDisplayNameMaxLength = 64;
    static constexpr int kDeviceNameMaxLength = 64;
    static constexpr int kMinimumAge = 13;

    // Lower-cased and trimmed into `normalized`.
    static std::optional<QString> checkEmail(const QString &email, QString *normalized);
    // Trimmed into `normalized`; empty after trimming counts as missing.
    static std::optional<QString> checkDisplayName(const QString &name, QString *normalized);
    static std::optional<QString> checkDeviceName(const QString &name, QString *normalized);
    // "YYYY-MM-DD", a real date, not after `today`, and at least kMinimumAge years before it.
    static std::optional<QString> checkBirthDate(const QString &birthDate, const QDate &today);
    static std::optional<QString> checkNoticeVersion(const std::optional<QString> &accepted, const QString &current);

    static bool hasControlCharacters(const QString &text);
};

} // namespace pygmi::server
