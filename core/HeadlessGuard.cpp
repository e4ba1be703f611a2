// libpygmi-core must stay free of Qt Gui and Widgets (architecture.md). If anyone links
// either into core, Qt defines these macros for core's sources and the build stops here.
#if defined(QT_WIDGETS_LIB) || defined(QT_GUI_LIB)
#error "libpygmi-core must not link Qt Gui or Qt Widgets"
#endif
