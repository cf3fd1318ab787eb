from simulator.ui.progress_page import render

render()
