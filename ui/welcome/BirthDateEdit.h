#pragma once

#include <QDate>
#include <QWidget>

class QComboBox;
class QLineEdit;

namespace pygmi::ui {

// A neutral date-of-birth entry: day, month and year start empty (no adult date pre-filled,
// no "I am over 13" box). The date is handed to the server once for the age check and
// cleared here afterwards; the app never stores it.
class BirthDateEdit : public QWidget
{
    Q_OBJECT

public:
    // Child widgets are named <objectName>Day, <objectName>Month and <objectName>Year.
    explicit BirthDateEdit(const QString &objectName, QWidget *parent = nullptr);

    // Invalid while incomplete or not a real date.
    QDate date() const;
    bool isEmpty() const;
    bool isComplete() const;
    void clear();

Q_SIGNALS:
    void changed();

private:
    QComboBox *m_day;
    QComboBox *m_month;
    QLineEdit *m_year;
};

} // namespace pygmi::ui
