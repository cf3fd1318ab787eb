from simulator.ui.bank_page import render

render()
