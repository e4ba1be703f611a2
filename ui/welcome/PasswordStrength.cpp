#include "welcome/PasswordStrength.h"

#include <QCoreApplication>
#include <QSet>

namespace pygmi::ui {

namespace {

bool isCommon(const QString &lower)
{
    static const QSet<QString> common {
        QStringLiteral("password"),    QStringLiteral("password1"),   QStringLiteral("password123"),
        QStringLiteral("1234567890"),  QStringLiteral("0123456789"),  QStringLiteral("123456789"),
        QStringLiteral("qwertyuiop"),  QStringLiteral("iloveyou123"), QStringLiteral("letmein123"),
        QStringLiteral("qwerty123"),   QStringLiteral("1q2w3e4r5t"),  QStringLiteral("passw0rd123"),
        QStringLiteral("abcdefghij"),  QStringLiteral("welcome123"),  QStringLiteral("administrator"),
        QStringLiteral("qwertyuiop1"), QStringLiteral("1qaz2wsx3edc"), QStringLiteral("football123"),
    };
    return common.contains(lower);
}

} // namespace

PasswordStrength::Assessment PasswordStrength::assess(const QString &password, const QString &email,
                                                      const QString &displayName, int minLength)
{
    Assessment result;
    if (password.isEmpty())
        return result;
    result.level = Level::TooWeak;
    if (password.size() < minLength) {
        result.message = tr("Use at least %n characters.", nullptr, minLength);
        return result;
    }
    const QString lower = password.toLower();
    if (isCommon(lower)) {
        result.message = tr("This password is one of the most common ones. Choose something less guessable.");
        return result;
    }
    QSet<QChar> distinct;
    for (const QChar c : password)
        distinct.insert(c);
    if (distinct.size() < 5) {
        result.message = tr("Use more different characters (at least 5).");
        return result;
    }
    const QString localPart = email.section(QLatin1Char('@'), 0, 0).toLower();
    const QString name = displayName.toLower().simplified();
    if ((localPart.size() >= 3 && lower.contains(localPart) && localPart.size() * 2 >= lower.size())
        || (name.size() >= 3 && lower.contains(name) && name.size() * 2 >= lower.size())) {
        result.message = tr("Don't build the password from your email or name.");
        return result;
    }

    int classes = 0;
    bool lowerCase = false, upperCase = false, digit = false, other = false;
    for (const QChar c : password) {
        if (c.isLower())
            lowerCase = true;
        else if (c.isUpper())
            upperCase = true;
        else if (c.isDigit())
            digit = true;
        else
            other = true;
    }
    classes = int(lowerCase) + int(upperCase) + int(digit) + int(other);
    const int length = int(password.size());
    result.acceptable = true;
    if (length >= 16 || (length >= 12 && classes >= 3))
        result.level = Level::Strong;
    else if (length >= 12 || classes >= 3)
        result.level = Level::Good;
    else
        result.level = Level::Fair;
    switch (result.level) {
    case Level::Strong:
        result.message = tr("Strong password.");
        break;
    case Level::Good:
        result.message = tr("Good password.");
        break;
    default:
        result.message = tr("Fair. A longer password, or a few words together, would be stronger.");
        break;
    }
    return result;
}

} // namespace pygmi::ui
