from simulator.ui.rewrite_page import render

render()
