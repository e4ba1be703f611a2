#include "common/Banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace pygmi::ui {

Banner::Banner(const QString &objectName, QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_actions(new QHBoxLayout)
    , m_close(new QPushButton(this))
{
    setObjectName(objectName);
    setAccessibleName(tr("Notice"));
    setFrameShape(QFrame::StyledPanel);
    m_text->setObjectName(objectName + QLatin1String("Text"));
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close->setObjectName(objectName + QLatin1String("Close"));
    m_close->setText(QStringLiteral("\u2715"));
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss this notice"));
    m_close->setFlat(true);
    m_close->setFixedSize(28, 28);
    m_close->hide();
    connect(m_close, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT dismissed();
    });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(m_text, 1);
    layout->addLayout(m_actions);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    hide();
}

void Banner::showMessage(Kind kind, const QString &text)
{
    m_kind = kind;
    m_text->setText(text);
    setAccessibleDescription(text);
    updateStyle();
    show();
}

QString Banner::text() const
{
    return isVisibleTo(parentWidget()) ? m_text->text() : QString();
}

void Banner::setDismissible(bool dismissible)
{
    m_close->setVisible(dismissible);
}

QPushButton *Banner::addAction(const QString &objectName, const QString &text)
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(objectName);
    button->setAccessibleName(text);
    m_actions->addWidget(button);
    return button;
}

void Banner::clearActions()
{
    while (auto *item = m_actions->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

void Banner::updateStyle()
{
    // Translucent tints read well on both the light and the dark palette.
    const char *tint = "rgba(91, 75, 214, 0.14)";
    const char *edge = "rgba(91, 75, 214, 0.45)";
    switch (m_kind) {
    case Kind::Success:
        tint = "rgba(46, 160, 67, 0.16)";
        edge = "rgba(46, 160, 67, 0.55)";
        break;
    case Kind::Warning:
        tint = "rgba(230, 160, 0, 0.18)";
        edge = "rgba(230, 160, 0, 0.65)";
        break;
    case Kind::Error:
        tint = "rgba(220, 53, 69, 0.16)";
        edge = "rgba(220, 53, 69, 0.65)";
        break;
    case Kind::Info:
        break;
    }
    setStyleSheet(QStringLiteral("pygmi--ui--Banner { background: %1; border: 1px solid %2; border-radius: 6px; }")
                      .arg(QLatin1String(tint), QLatin1String(edge)));
}

} // namespace pygmi::ui
