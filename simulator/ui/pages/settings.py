from simulator.ui.settings_page import render

render()
