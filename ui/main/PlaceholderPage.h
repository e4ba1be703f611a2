#pragma once

#include <QWidget>

namespace pygmi::ui {

// Stands in for a page when the main window was built without that page's services (as some
// tests build it); the app itself always provides them. It says plainly that nothing is here.
class PlaceholderPage : public QWidget
{
    Q_OBJECT

public:
    PlaceholderPage(const QString &objectName, const QString &title, const QString &description,
                    QWidget *parent = nullptr);
};

} // namespace pygmi::ui
