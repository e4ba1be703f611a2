#include "common/FormField.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pygmi::ui {

FormField::FormField(const QString &label, QWidget *field, QWidget *parent)
    : QWidget(parent)
    , m_field(field)
    , m_label(new QLabel(label, this))
    , m_hint(new QLabel(this))
    , m_error(new QLabel(this))
{
    setObjectName(field->objectName() + QLatin1String("Field"));
    m_label->setObjectName(field->objectName() + QLatin1String("Label"));
    m_label->setBuddy(field);
    m_hint->setObjectName(field->objectName() + QLatin1String("Hint"));
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->hide();
    m_error->setObjectName(field->objectName() + QLatin1String("Error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #d6334a;"));
    m_error->hide();
    if (field->accessibleName().isEmpty())
        field->setAccessibleName(QString(label).remove(QLatin1Char('&')));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    m_labelRow = new QHBoxLayout;
    m_labelRow->setContentsMargins(0, 0, 0, 0);
    m_labelRow->addWidget(m_label);
    m_labelRow->addStretch(1);
    layout->addLayout(m_labelRow);
    layout->addWidget(field);
    layout->addWidget(m_hint);
    layout->addWidget(m_error);
}

void FormField::setError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    m_field->setAccessibleDescription(message.isEmpty() ? m_hint->text() : message);
}

QString FormField::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void FormField::setCornerWidget(QWidget *widget)
{
    widget->setParent(this);
    m_labelRow->addWidget(widget);
}

void FormField::setHint(const QString &hint)
{
    m_hint->setText(hint);
    m_hint->setVisible(!hint.isEmpty());
    if (m_error->isHidden())
        m_field->setAccessibleDescription(hint);
}

} // namespace pygmi::ui
