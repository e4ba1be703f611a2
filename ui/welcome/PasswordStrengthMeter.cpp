#include "welcome/PasswordStrengthMeter.h"

#include "welcome/PasswordStrength.h"

#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QVBoxLayout>

namespace pygmi::ui {

PasswordStrengthMeter::PasswordStrengthMeter(const QString &objectName, QLineEdit *password, QWidget *parent)
    : QWidget(parent)
    , m_password(password)
    , m_bar(new QProgressBar(this))
    , m_text(new QLabel(this))
{
    setObjectName(objectName);
    setAccessibleName(tr("Password strength"));
    m_bar->setObjectName(objectName + QLatin1String("Bar"));
    m_bar->setAccessibleName(tr("Password strength"));
    m_bar->setRange(0, 4);
    m_bar->setTextVisible(false);
    m_bar->setFixedHeight(6);
    m_text->setObjectName(objectName + QLatin1String("Text"));
    m_text->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 0);
    layout->setSpacing(3);
    layout->addWidget(m_bar);
    layout->addWidget(m_text);
    connect(password, &QLineEdit::textChanged, this, &PasswordStrengthMeter::update);
    update();
}

void PasswordStrengthMeter::setContext(const QString &email, const QString &displayName)
{
    m_email = email;
    m_displayName = displayName;
    update();
}

void PasswordStrengthMeter::setMinimumLength(int length)
{
    m_minLength = length;
    update();
}

bool PasswordStrengthMeter::isAcceptable() const
{
    return PasswordStrength::assess(m_password->text(), m_email, m_displayName, m_minLength).acceptable;
}

QString PasswordStrengthMeter::message() const
{
    return m_text->text();
}

void PasswordStrengthMeter::update()
{
    const auto result = PasswordStrength::assess(m_password->text(), m_email, m_displayName, m_minLength);
    m_bar->setValue(int(result.level));
    const char *colour = "#d6334a";
    if (result.level == PasswordStrength::Level::Fair)
        colour = "#d98c00";
    else if (result.level >= PasswordStrength::Level::Good)
        colour = "#2ea043";
    m_bar->setStyleSheet(QStringLiteral("QProgressBar { border: none; border-radius: 3px; background: palette(mid); }"
                                        "QProgressBar::chunk { border-radius: 3px; background: %1; }")
                             .arg(QLatin1String(colour)));
    m_text->setText(result.level == PasswordStrength::Level::Empty
                        ? tr("At least %n characters, not a common password.", nullptr, m_minLength)
                        : result.message);
    m_password->setAccessibleDescription(m_text->text());
}

} // namespace pygmi::ui
