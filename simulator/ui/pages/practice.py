from simulator.ui.practice_page import render

render()
