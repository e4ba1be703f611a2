#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QProgressBar;

namespace pygmi::ui {

// A bar and a sentence under a new-password field, updated as the user types.
class PasswordStrengthMeter : public QWidget
{
    Q_OBJECT

public:
    PasswordStrengthMeter(const QString &objectName, QLineEdit *password, QWidget *parent = nullptr);

    // Context for the "not built from your email or name" rule.
    void setContext(const QString &email, const QString &displayName);
    void setMinimumLength(int length);
    bool isAcceptable() const;
    QString message() const;

private:
    void update();

    QLineEdit *m_password;
    QProgressBar *m_bar;
    QLabel *m_text;
    QString m_email;
    QString m_displayName;
    int m_minLength = 10;
};

} // namespace pygmi::ui
