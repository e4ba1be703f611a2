#include "PasswordPolicy.h"

#include "common/Logging.h"

#include <QFile>
#include <QRegularExpression>
#include <QStringList>

namespace pygmi::server {

const QSet<QString> &PasswordPolicy::commonPasswords()
{
    static const QSet<QString> list = [] {
        QSet<QString> result;
        QFile file(QStringLiteral(":/pygmi-server/auth/common-passwords.txt"));
        if (!file.open(QIODevice::ReadOnly)) {
            qCCritical(lcAuth) << "the common-password list is missing from the build";
            return result;
        }
        for (const QByteArray &line : file.readAll().split('\n')) {
            const QString entry = QString::fromUtf8(line).trimmed().toLower();
            if (!entry.isEmpty() && !entry.startsWith(u'#'))
                result.insert(entry);
        }
        return result;
    }();
    return list;
}

bool PasswordPolicy::isCommon(const QString &password)
{
    const QSet<QString> &list = commonPasswords();
    const QString lower = password.toLower();
    // "Password123!" and "!!qwerty2024" are the listed word in disguise.
    static const QRegularExpression decoration(QStringLiteral("^[\\d\\W_]+|[\\d\\W_]+$"));
    QString stem = lower;
    stem.remove(decoration);
    QString leet = stem;
    const std::pair<char16_t, char16_t> substitutions[]
        = { { u'0', u'o' }, { u'1', u'i' }, { u'3', u'e' }, { u'4', u'a' }, { u'@', u'a' },
            { u'$', u's' }, { u'5', u's' }, { u'7', u't' }, { u'!', u'i' } };
    for (const auto &[from, to] : substitutions)
        leet.replace(QChar(from), QChar(to));
    QString spaceless = stem;
    spaceless.remove(u' ');
    return list.contains(lower) || list.contains(stem) || list.contains(leet) || list.contains(spaceless);
}

bool PasswordPolicy::isMostlyPersonal(const QString &password, const QString &email, const QString &displayName)
{
    QStringList pieces;
    const QString lowerEmail = email.trimmed().toLower();
    if (!lowerEmail.isEmpty()) {
        pieces << lowerEmail << lowerEmail.section(u'@', 0, 0) << lowerEmail.section(u'@', 1).section(u'.', 0, 0);
    }
    const QString lowerName = displayName.trimmed().toLower();
    if (!lowerName.isEmpty()) {
        QString joined = lowerName;
        joined.remove(u' ');
        pieces << lowerName << joined;
        static const QRegularExpression separators(QStringLiteral("[\\s._\\-]+"));
        pieces << lowerName.split(separators, Qt::SkipEmptyParts);
    }
    // Longest first, so that "jane.doe" goes before "jane".
    std::sort(pieces.begin(), pieces.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    QString rest = password.toLower();
    const qsizetype original = rest.size();
    for (const QString &piece : std::as_const(pieces)) {
        if (piece.size() >= 3)
            rest.remove(piece);
    }
    if (rest.size() == original)
        return false;
    static const QRegularExpression filler(QStringLiteral("[\\d\\W_]"));
    QString meaningful = rest;
    meaningful.remove(filler);
    // What is left besides the personal parts is less than half, or only digits/punctuation.
    return rest.size() * 2 < original || meaningful.size() < 4;
}

std::optional<QString> PasswordPolicy::check(const QString &password, const QString &email, const QString &displayName)
{
    const qsizetype length = password.toUcs4().size();
    if (length < kMinLength)
        return QStringLiteral("too_short");
    if (length > kMaxLength)
        return QStringLiteral("too_long");
    if (isCommon(password))
        return QStringLiteral("too_common");
    QSet<char32_t> distinct;
    for (char32_t c : password.toUcs4())
        distinct.insert(c);
    if (distinct.size() < 5)
        return QStringLiteral("too_weak");
    if (isMostlyPersonal(password, email, displayName))
        return QStringLiteral("too_weak");
    return std::nullopt;
}

} // namespace pygmi::server
