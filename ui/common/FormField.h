#pragma once

#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace pygmi::ui {

// A labelled form field with its error message right under it. The error label is named
// after the field ("emailEdit" -> "emailEditError") so tests and screen readers find it.
class FormField : public QWidget
{
    Q_OBJECT

public:
    FormField(const QString &label, QWidget *field, QWidget *parent = nullptr);

    QWidget *field() const { return m_field; }
    QLabel *errorLabel() const { return m_error; }
    void setError(const QString &message);
    QString error() const;
    void setHint(const QString &hint);
    // A small widget on the label's line, at the right (e.g. a character counter).
    void setCornerWidget(QWidget *widget);

private:
    QWidget *m_field;
    QLabel *m_label;
    QLabel *m_hint;
    QLabel *m_error;
    QHBoxLayout *m_labelRow;
};

} // namespace pygmi::ui
