#include "welcome/BirthDateEdit.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QIntValidator>
#include <QLineEdit>
#include <QLocale>

namespace pygmi::ui {

BirthDateEdit::BirthDateEdit(const QString &objectName, QWidget *parent)
    : QWidget(parent)
    , m_day(new QComboBox(this))
    , m_month(new QComboBox(this))
    , m_year(new QLineEdit(this))
{
    setObjectName(objectName);
    setAccessibleName(tr("Date of birth"));
    m_day->setObjectName(objectName + QLatin1String("Day"));
    m_day->setAccessibleName(tr("Day of birth"));
    m_day->addItem(tr("Day"));
    for (int day = 1; day <= 31; ++day)
        m_day->addItem(QString::number(day), day);
    m_month->setObjectName(objectName + QLatin1String("Month"));
    m_month->setAccessibleName(tr("Month of birth"));
    m_month->addItem(tr("Month"));
    const QLocale locale;
    for (int month = 1; month <= 12; ++month)
        m_month->addItem(locale.standaloneMonthName(month, QLocale::LongFormat), month);
    m_year->setObjectName(objectName + QLatin1String("Year"));
    m_year->setAccessibleName(tr("Year of birth"));
    m_year->setPlaceholderText(tr("Year"));
    m_year->setMaxLength(4);
    m_year->setValidator(new QIntValidator(1, 9999, m_year));
    m_year->setInputMethodHints(Qt::ImhDigitsOnly);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_day, 2);
    layout->addWidget(m_month, 4);
    layout->addWidget(m_year, 2);
    setFocusProxy(m_day);

    connect(m_day, &QComboBox::currentIndexChanged, this, &BirthDateEdit::changed);
    connect(m_month, &QComboBox::currentIndexChanged, this, &BirthDateEdit::changed);
    connect(m_year, &QLineEdit::textChanged, this, &BirthDateEdit::changed);
}

QDate BirthDateEdit::date() const
{
    if (!isComplete())
        return {};
    return QDate(m_year->text().toInt(), m_month->currentData().toInt(), m_day->currentData().toInt());
}

bool BirthDateEdit::isEmpty() const
{
    return m_day->currentIndex() <= 0 && m_month->currentIndex() <= 0 && m_year->text().isEmpty();
}

bool BirthDateEdit::isComplete() const
{
    return m_day->currentIndex() > 0 && m_month->currentIndex() > 0 && m_year->text().size() == 4;
}

void BirthDateEdit::clear()
{
    m_day->setCurrentIndex(0);
    m_month->setCurrentIndex(0);
    m_year->clear();
}

} // namespace pygmi::ui
