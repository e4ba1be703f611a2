#include "main/PlaceholderPage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pygmi::ui {

PlaceholderPage::PlaceholderPage(const QString &objectName, const QString &title, const QString &description,
                                 QWidget *parent)
    : QWidget(parent)
{
    setObjectName(objectName);
    setAccessibleName(title);
    auto *heading = new QLabel(title, this);
    heading->setObjectName(objectName + QLatin1String("Title"));
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.5);
    font.setBold(true);
    heading->setFont(font);
    auto *text = new QLabel(description, this);
    text->setWordWrap(true);
    auto *soon = new QLabel(tr("Not available in this window."), this);
    soon->setObjectName(objectName + QLatin1String("Unavailable"));
    soon->setForegroundRole(QPalette::PlaceholderText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 28, 32, 28);
    layout->setSpacing(10);
    layout->addWidget(heading);
    layout->addWidget(text);
    layout->addWidget(soon);
    layout->addStretch(1);
}

} // namespace pygmi::ui
