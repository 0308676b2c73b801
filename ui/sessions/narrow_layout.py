"""The session view on a small screen: below ``NARROW_WIDTH`` the transcript leaves the
three-pane splitter for a "Transcript" tab beside Risk, History and Patient summary, so the
note editor keeps a width a clinician can write in (at 1024×600 three panes left it about
150 px). Choosing a risk line then shows the Transcript tab.

GUI thread only: an event filter on the view, so the view needs no resize code of its own.
"""

from PySide6.QtCore import QEvent, QObject, Slot
from PySide6.QtWidgets import QSplitter, QTabWidget, QWidget

NARROW_WIDTH = 820  # the view's own width in px; at 1366×768 it is about 940
TRANSCRIPT_TAB = "&Transcript"
SHORT_TABS = {"Patient summary": "Summary"}  # tab names shortened in the narrow layout


class NarrowLayout(QObject):
    """Moves ``transcript`` between the first pane of ``split`` and the first tab of
    ``tabs`` as ``view`` is resized."""

    def __init__(
        self, view: QWidget, split: QSplitter, transcript: QWidget, tabs: QTabWidget
    ) -> None:
        super().__init__(view)
        self.view, self.split, self.transcript, self.tabs = view, split, transcript, tabs
        self.narrow = False
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self.fit(self.view.width())
        return False

    def fit(self, width: int) -> None:
        narrow = width < NARROW_WIDTH
        if narrow == self.narrow:
            return
        self.narrow = narrow
        for index in range(self.tabs.count()):  # every tab stays in view
            text = self.tabs.tabText(index)
            short = {v: k for k, v in SHORT_TABS.items()} if not narrow else SHORT_TABS
            self.tabs.setTabText(index, short.get(text, text))
        if narrow:
            self.tabs.insertTab(0, self.transcript, TRANSCRIPT_TAB)
            self.tabs.setCurrentIndex(0)
            self.split.setStretchFactor(0, 3)
            self.split.setStretchFactor(1, 2)
        else:
            self.tabs.removeTab(self.tabs.indexOf(self.transcript))
            self.split.insertWidget(0, self.transcript)
            self.transcript.show()
            for pane, stretch in enumerate((3, 4, 2)):
                self.split.setStretchFactor(pane, stretch)
        # proportions: the splitter scales them to its width
        self.split.setSizes([3000, 2000] if narrow else [3000, 4000, 2000])

    @Slot()
    def show_transcript(self) -> None:
        """In the narrow layout, bring the Transcript tab forward (a risk line was chosen)."""
        if self.narrow:
            self.tabs.setCurrentWidget(self.transcript)
