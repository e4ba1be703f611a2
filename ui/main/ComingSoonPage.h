#pragma once

#include <QWidget>

namespace pygmi::ui {

// Stands in for a page whose own issue has not landed yet, and says so plainly.
class ComingSoonPage : public QWidget
{
    Q_OBJECT

public:
    ComingSoonPage(const QString &objectName, const QString &title, const QString &description,
                   QWidget *parent = nullptr);
};

} // namespace pygmi::ui
