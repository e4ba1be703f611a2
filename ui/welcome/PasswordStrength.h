#pragma once

#include <QCoreApplication>
#include <QString>

namespace pygmi::ui {

// A quick, local estimate of a new password, so the form can help while the user types.
// The server's check (length, common passwords, similarity, variety) is the one that counts;
// these rules mirror it so that what the meter accepts the server accepts too.
class PasswordStrength
{
    Q_DECLARE_TR_FUNCTIONS(PasswordStrength)

public:
    enum class Level { Empty, TooWeak, Fair, Good, Strong };

    struct Assessment
    {
        Level level = Level::Empty;
        bool acceptable = false;
        QString message; // translated, says what to do when not acceptable
    };

    static Assessment assess(const QString &password, const QString &email = {}, const QString &displayName = {},
                             int minLength = 10);
};

} // namespace pygmi::ui
