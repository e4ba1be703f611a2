#include "AccountValidator.h"

#include <QRegularExpression>

namespace pygmi::server {

bool AccountValidator::hasControlCharacters(const QString &text)
{
    for (char32_t c : text.toUcs4()) {
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Other_Control || category == QChar::Separator_Line
            || category == QChar::Separator_Paragraph || category == QChar::Other_Surrogate
            || category == QChar::Other_NotAssigned)
            return true;
    }
    return false;
}

std::optional<QString> AccountValidator::checkEmail(const QString &email, QString *normalized)
{
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("required");
    if (trimmed.size() > kEmailMaxLength)
        return QStringLiteral("too_long");
    // Deliberately simple (local@domain.tld): the verification mail is the real check.
    static const QRegularExpression shape(QStringLiteral(
        "^[^\\s@\"(),:;<>\\[\\]\\\\]{1,64}@[^\\s@\"(),:;<>\\[\\]\\\\_]+\\.[^\\s@\"(),:;<>\\[\\]\\\\_.]{2,}$"));
    if (hasControlCharacters(trimmed) || !shape.match(trimmed).hasMatch())
        return QStringLiteral("invalid");
    const QString domain = trimmed.section(u'@', 1);
    if (domain.startsWith(u'.') || domain.startsWith(u'-') || domain.contains(QStringLiteral("..")))
        return QStringLiteral("invalid");
    const QString local = trimmed.section(u'@', 0, 0);
    if (local.startsWith(u'.') || local.endsWith(u'.') || local.contains(QStringLiteral("..")))
        return QStringLiteral("invalid");
    *normalized = trimmed.toLower();
    return std::nullopt;
}

std::optional<QString> AccountValidator::checkDisplayName(const QString &name, QString *normalized)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return QStringLiteral("required");
    if (trimmed.toUcs4().size() > kDisplayNameMaxLength)
        return QStringLiteral("too_long");
    if (hasControlCharacters(trimmed))
        return QStringLiteral("invalid");
    *normalized = trimmed;
    return std::nullopt;
}

std::optional<QString> AccountValidator::checkDeviceName(const QString &name, QString *normalized)
{
    const QString trimmed = name.trimmed();
    if (trimmed.toUcs4().size() > kDeviceNameMaxLength)
        return QStringLiteral("too_long");
    if (hasControlCharacters(trimmed))
        return QStringLiteral("invalid");
    *normalized = trimmed;
    return std::nullopt;
}

std::optional<QString> AccountValidator::checkBirthDate(const QString &birthDate, const QDate &today)
{
    static const QRegularExpression shape(QStringLiteral("^(\\d{4})-(\\d{2})-(\\d{2})$"));
    const auto match = shape.match(birthDate);
    if (!match.hasMatch())
        return QStringLiteral("invalid");
    const QDate date(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt());
    if (!date.isValid() || date.year() < 1900 || date > today)
        return QStringLiteral("invalid");
    int age = today.year() - date.year();
    if (today.month() < date.month() || (today.month() == date.month() && today.day() < date.day()))
        --age;
    if (age < kMinimumAge)
        return QStringLiteral("under_13");
    return std::nullopt;
}

std::optional<QString> AccountValidator::checkNoticeVersion(const std::optional<QString> &accepted,
                                                            const QString &current)
{
    if (!accepted || accepted->isEmpty())
        return QStringLiteral("must_accept");
    if (*accepted != current)
        return QStringLiteral("outdated");
    return std::nullopt;
}

} // namespace pygmi::server
